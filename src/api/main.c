/* main.c -- tasksched-api: the FastCGI responder that serves /tasks. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fcgi.h"
#include "log.h"

#define WORKERS_MAX 256

static volatile sig_atomic_t stopping;

static void on_terminate(int sig)
{
	(void)sig;
	stopping = 1;
	ts_fcgi_shutdown();
}

static void handle_signals(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that went away is not our death */
}

/* One worker: accepts requests on the socket spawn-fcgi passed as fd 0 and
 * answers them with its own database connection, until told to stop. */
static int serve(const struct ts_conf *conf)
{
	struct ts_error err;
	struct ts_api api = { .conf = conf };
	struct ts_fcgi *fcgi = NULL;
	int status = EXIT_FAILURE;

	ts_error_clear(&err);
	if (ts_netguard_parse(&api.guard, conf->webhook_allow, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		goto out;
	}
	fcgi = ts_fcgi_new(&err);
	if (!fcgi) {
		ts_log_error("%s", err.message);
		goto out;
	}
	if (ts_db_new(conf, &api.db, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		goto out;
	}
	/* Connect now so that a misconfiguration shows in the log at start;
	 * the service still starts, answering 503 until the database is up. */
	if (ts_db_ping(api.db, &err) != TS_OK)
		ts_log_warning("database not reachable yet: %s", err.message);

	while (!stopping) {
		struct ts_http_request req;
		struct ts_http_response resp;

		if (!ts_fcgi_accept(fcgi, conf->max_body_bytes, &req))
			break;
		ts_http_response_init(&resp);
		ts_api_handle(&api, &req, &resp);
		ts_fcgi_respond(fcgi, &resp);
		ts_http_response_cleanup(&resp);
		ts_http_request_cleanup(&req);
	}
	status = EXIT_SUCCESS;
out:
	ts_db_free(api.db);
	ts_fcgi_free(fcgi);
	return status;
}

static pid_t start_worker(const struct ts_conf *conf)
{
	pid_t pid = fork();

	if (pid == 0) {
		handle_signals(on_terminate);
		_exit(serve(conf));
	}
	if (pid < 0)
		ts_log_error("fork: %s", strerror(errno));
	return pid;
}

/* Runs `count` workers on the shared socket and restarts any that dies,
 * so that "spawn-fcgi -n" (one process, as systemd wants it) still serves
 * requests in parallel. Stops them all on SIGTERM. */
static int supervise(const struct ts_conf *conf, unsigned count)
{
	pid_t workers[WORKERS_MAX];
	int status;

	handle_signals(on_terminate);
	for (unsigned i = 0; i < count; i++)
		workers[i] = start_worker(conf);
	while (!stopping) {
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned i = 0; i < count; i++) {
			if (workers[i] != pid)
				continue;
			if (stopping)
				break;
			ts_log_error("worker %ld exited (status %d); starting another",
				     (long)pid, status);
			sleep(1); /* a worker that cannot start must not spin */
			workers[i] = start_worker(conf);
		}
	}
	for (unsigned i = 0; i < count; i++) {
		if (workers[i] > 0)
			kill(workers[i], SIGTERM);
	}
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
	return EXIT_SUCCESS;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tasksched-api [--config FILE]\n"
		"FastCGI responder of the tasksched REST API; start it with spawn-fcgi:\n"
		"  spawn-fcgi -s /run/tasksched/api.sock -F 4 -- tasksched-api\n"
		"\n"
		"  -c, --config FILE  configuration file (default: $TASKSCHED_CONFIG or\n"
		"                     %s)\n"
		"  -w, --workers N    serve with N processes on the one socket (for\n"
		"                     spawn-fcgi -n under systemd; default 1)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n",
		TS_CONF_DEFAULT_PATH);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL;
	struct ts_conf conf;
	struct ts_error err;
	long workers = 1;
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:hVw:", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_arg = optarg; break;
		case 'w':
			workers = strtol(optarg, &end, 10);
			if (*end || workers < 1 || workers > WORKERS_MAX) {
				fprintf(stderr, "tasksched-api: --workers takes 1 to %d\n", WORKERS_MAX);
				return 2;
			}
			break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-api %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	const char *path;
	if (ts_conf_start("tasksched-api", config_arg, &conf, &path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	ts_log_debug("serving requests (config %s)", path);
	if (workers > 1)
		return supervise(&conf, (unsigned)workers);
	handle_signals(on_terminate);
	return serve(&conf);
}
