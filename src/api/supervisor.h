/* supervisor.h -- how tasksched-api serves: one worker process answering
 * on the FastCGI socket, or several under a supervisor that restarts any
 * that dies. */
#ifndef TS_SUPERVISOR_H
#define TS_SUPERVISOR_H

#include "conf.h"
#include "errors.h"

/* The most workers one supervisor runs. */
#define TS_SUPERVISOR_WORKERS_MAX 256

/* Serves requests on the socket spawn-fcgi passed as fd 0 until SIGTERM or
 * SIGINT, with `workers` (1 to TS_SUPERVISOR_WORKERS_MAX) processes: with
 * one, in this process; with more, in that many children of this process,
 * each started again (after a second) when it dies, and all stopped on the
 * signal. Installs the signal handlers. `conf` must outlive the call. Each
 * worker has its own database connection; a database that is not up yet
 * is a warning, not an error. Returns TS_OK once stopped, or (one worker
 * only) the error that kept it from starting, in `err`; children log their
 * own. */
enum ts_err ts_supervisor_run(const struct ts_conf *conf, unsigned workers,
			      struct ts_error *err);

#endif
