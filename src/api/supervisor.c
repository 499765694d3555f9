/* supervisor.c -- how tasksched-api serves: one worker process answering
 * on the FastCGI socket, or several under a supervisor that restarts any
 * that dies, so that "spawn-fcgi -n" (one process, as systemd wants it)
 * still serves requests in parallel. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api.h"
#include "fcgi.h"
#include "log.h"
#include "signals.h"
#include "supervisor.h"

static volatile sig_atomic_t stopping;

static void on_terminate(int sig)
{
	(void)sig;
	stopping = 1;
	ts_fcgi_shutdown();
}

/* One worker: accepts requests on the socket spawn-fcgi passed as fd 0 and
 * answers them with its own database connection, until told to stop. */
static enum ts_err serve(const struct ts_conf *conf, struct ts_error *err)
{
	struct ts_api api = { .conf = conf };
	struct ts_fcgi *fcgi = NULL;
	struct ts_error ping_err;
	enum ts_err rc;

	if ((rc = ts_netguard_parse(&api.guard, conf->webhook_allow, err)) != TS_OK ||
	    (rc = ts_netguard_parse_cidrs(&api.metrics_allow, conf->metrics_allow, "metrics_allow",
					  err)) != TS_OK)
		goto out;
	fcgi = ts_fcgi_new(err);
	if (!fcgi) {
		rc = err ? err->status : TS_ERR_INTERNAL;
		goto out;
	}
	if ((rc = ts_db_new(conf, &api.db, err)) != TS_OK)
		goto out;
	/* Connect now so that a misconfiguration shows in the log at start;
	 * the service still starts, answering 503 until the database is up. */
	ts_error_clear(&ping_err);
	if (ts_db_ping(api.db, &ping_err) != TS_OK)
		ts_log_warning("database not reachable yet: %s", ping_err.message);

	while (!stopping) {
		struct ts_http_request req;
		struct ts_http_response resp;

		if (!ts_fcgi_accept(fcgi, &req))
			break;
		ts_fcgi_read_body(fcgi, ts_api_body_limit(&api, &req), &req);
		ts_http_response_init(&resp);
		ts_api_handle(&api, &req, &resp);
		ts_fcgi_respond(fcgi, &resp);
		ts_http_response_cleanup(&resp);
		ts_http_request_cleanup(&req);
	}
out:
	ts_db_free(api.db);
	ts_fcgi_free(fcgi);
	return rc;
}

/* Forks a worker; its pid, or -1 (logged) when fork failed. */
static pid_t start_worker(const struct ts_conf *conf)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct ts_error err;

		ts_error_clear(&err);
		ts_signals_on_terminate(on_terminate);
		if (serve(conf, &err) != TS_OK) {
			ts_log_error("%s", err.message);
			_exit(EXIT_FAILURE);
		}
		_exit(EXIT_SUCCESS);
	}
	if (pid < 0)
		ts_log_error("fork: %s", strerror(errno));
	return pid;
}

/* Starts a worker in place of the one that exited as `pid`, if it is one
 * of ours. */
static void replace_worker(const struct ts_conf *conf, pid_t *workers, unsigned count,
			   pid_t pid, int status)
{
	for (unsigned i = 0; i < count && !stopping; i++) {
		if (workers[i] != pid)
			continue;
		ts_log_error("worker %ld exited (status %d); starting another", (long)pid, status);
		sleep(1); /* a worker that cannot start must not spin */
		workers[i] = start_worker(conf);
	}
}

/* Runs `count` workers and restarts any that dies, until the signal; then
 * stops them all and waits for them. */
static void supervise(const struct ts_conf *conf, unsigned count)
{
	pid_t workers[TS_SUPERVISOR_WORKERS_MAX];
	int status;

	for (unsigned i = 0; i < count; i++)
		workers[i] = start_worker(conf);
	while (!stopping) {
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		replace_worker(conf, workers, count, pid, status);
	}
	for (unsigned i = 0; i < count; i++) {
		if (workers[i] > 0)
			kill(workers[i], SIGTERM);
	}
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
}

enum ts_err ts_supervisor_run(const struct ts_conf *conf, unsigned workers,
			      struct ts_error *err)
{
	if (workers < 1 || workers > TS_SUPERVISOR_WORKERS_MAX)
		return ts_error_set(err, TS_ERR_INTERNAL, "workers", NULL,
				    "workers must be 1 to %d", TS_SUPERVISOR_WORKERS_MAX);
	ts_signals_on_terminate(on_terminate);
	if (workers == 1)
		return serve(conf, err);
	supervise(conf, workers);
	return TS_OK;
}
