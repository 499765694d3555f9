/* main.c -- tasksched-api: the FastCGI responder that serves /tasks; reads
 * its arguments and configuration and hands over to the supervisor. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "log.h"
#include "supervisor.h"

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

/* Reads the command line into `*config_arg` and `*workers`. Returns -1 to
 * go on, or the exit status for --help, --version and usage errors. */
static int parse_args(int argc, char **argv, const char **config_arg, long *workers)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:hVw:", options, NULL)) != -1) {
		switch (opt) {
		case 'c': *config_arg = optarg; break;
		case 'w':
			*workers = strtol(optarg, &end, 10);
			if (*end || *workers < 1 || *workers > TS_SUPERVISOR_WORKERS_MAX) {
				fprintf(stderr, "tasksched-api: --workers takes 1 to %d\n",
					TS_SUPERVISOR_WORKERS_MAX);
				return 2;
			}
			break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-api %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *config_arg = NULL, *path;
	struct ts_conf conf;
	struct ts_error err;
	long workers = 1;
	int status = parse_args(argc, argv, &config_arg, &workers);

	if (status >= 0)
		return status;
	if (ts_conf_start("tasksched-api", config_arg, &conf, &path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	ts_log_debug("serving requests (config %s)", path);
	ts_error_clear(&err);
	if (ts_supervisor_run(&conf, (unsigned)workers, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
