/* main.c -- tasksched-api: the FastCGI responder that serves /tasks. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fcgi.h"
#include "log.h"

static void on_terminate(int sig)
{
	(void)sig;
	ts_fcgi_shutdown();
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
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL;
	struct ts_conf conf;
	struct ts_error err;
	struct ts_api api = { .conf = &conf };
	struct ts_fcgi *fcgi = NULL;
	struct sigaction sa;
	int opt, status = EXIT_FAILURE;

	while ((opt = getopt_long(argc, argv, "c:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_arg = optarg; break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-api %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	ts_log_init("tasksched-api", TS_LOG_INFO);
	ts_conf_init(&conf);
	ts_error_clear(&err);
	const char *path = ts_conf_choose_path(config_arg);
	if (ts_conf_load(&conf, path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	ts_log_set_level(conf.log_level);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_terminate;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that went away is not our death */

	fcgi = ts_fcgi_new(&err);
	if (!fcgi) {
		ts_log_error("%s", err.message);
		goto out;
	}
	if (ts_db_new(&conf, &api.db, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		goto out;
	}
	/* Connect now so that a misconfiguration shows in the log at start;
	 * the service still starts, answering 503 until the database is up. */
	if (ts_db_ping(api.db, &err) != TS_OK)
		ts_log_warning("database not reachable yet: %s", err.message);
	ts_log_debug("serving requests (config %s)", path);

	for (;;) {
		struct ts_http_request req;
		struct ts_http_response resp;

		if (!ts_fcgi_accept(fcgi, conf.max_body_bytes, &req))
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
