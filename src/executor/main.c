/* main.c -- tasksched-executor: started every minute by its systemd timer
 * (or by hand with --once), fires the tasks that come due. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "executor.h"
#include "log.h"
#include "signals.h"

/* End a timer-started run this long before the next minute, so that the
 * timer finds the service inactive and can start the next run. */
#define END_MARGIN_MS 50
/* A run started closer than this to the minute serves the next one too. */
#define MIN_RUN_MS 5000

static struct ts_executor *running;

static void on_terminate(int sig)
{
	(void)sig;
	if (running)
		ts_executor_stop(running);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tasksched-executor [--once] [--config FILE]\n"
		"Claims due tasks and fires them at their time until just before the next\n"
		"minute (tasksched-executor.timer starts it every minute).\n"
		"\n"
		"  -1, --once         fire what is due now, then exit\n"
		"  -d, --duration S   run for S seconds instead of until the next minute\n"
		"  -c, --config FILE  configuration file (default: $TASKSCHED_CONFIG or\n"
		"                     %s)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n",
		TS_CONF_DEFAULT_PATH);
}

/* Reads the command line into `opts` (with `*duration` in seconds, 0 for
 * the default end) and `*config_arg`. Returns -1 to go on, or the exit
 * status for --help, --version and usage errors. */
static int parse_args(int argc, char **argv, struct ts_executor_options *opts,
		      long *duration, const char **config_arg)
{
	static const struct option options[] = {
		{ "once", no_argument, NULL, '1' },
		{ "duration", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "1d:c:hV", options, NULL)) != -1) {
		switch (opt) {
		case '1': opts->once = true; break;
		case 'd':
			*duration = strtol(optarg, &end, 10);
			if (*end || *duration < 1 || *duration > 86400) {
				fprintf(stderr, "tasksched-executor: --duration takes 1 to 86400 seconds\n");
				return 2;
			}
			break;
		case 'c': *config_arg = optarg; break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-executor %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct ts_executor_options opts = { 0 };
	const char *config_arg = NULL, *path;
	long duration = 0;
	struct ts_conf conf;
	struct ts_error err;
	int status = parse_args(argc, argv, &opts, &duration, &config_arg);

	if (status >= 0)
		return status;
	if (ts_conf_start("tasksched-executor", config_arg, &conf, &path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	ts_time_us now = ts_time_now();
	opts.end_at = duration ? now + duration * TS_USEC_PER_SEC
			       : ts_executor_default_end(now, END_MARGIN_MS, MIN_RUN_MS);

	running = ts_executor_new(&conf, &err);
	if (!running) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	/* SIGTERM and SIGINT end the run gently (ts_executor_run). */
	ts_signals_on_terminate(on_terminate);
	ts_log_debug("executor %s starting", ts_executor_id(running));
	status = EXIT_SUCCESS;
	if (ts_executor_run(running, &opts, &err) != TS_OK) {
		ts_log_error("run failed: %s", err.message);
		status = EXIT_FAILURE;
	}
	ts_executor_free(running);
	running = NULL;
	return status;
}
