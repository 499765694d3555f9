/* main.c -- tasksched-admin: maintenance commands (database migrations). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tasksched-admin [--config FILE] COMMAND\n"
		"\n"
		"Commands:\n"
		"  migrate [--sql-dir DIR]  apply pending database migrations (idempotent)\n"
		"  check-config             read the configuration and report errors\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE  configuration file (default: $TASKSCHED_CONFIG or\n"
		"                     %s)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n",
		TS_CONF_DEFAULT_PATH);
}

static int cmd_migrate(const struct ts_conf *conf, const char *sql_dir)
{
	struct ts_db *db = NULL;
	struct ts_error err;
	int from = 0, to = 0, status = EXIT_FAILURE;

	if (!sql_dir)
		sql_dir = conf->sql_dir;
	ts_error_clear(&err);
	if (ts_db_new(conf, &db, &err) != TS_OK ||
	    ts_db_migrate(db, sql_dir, &from, &to, &err) != TS_OK) {
		ts_log_error("migrate: %s", err.message);
		goto out;
	}
	if (from == to)
		printf("schema is up to date (version %d)\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	status = EXIT_SUCCESS;
out:
	ts_db_free(db);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "sql-dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL, *sql_dir = NULL;
	struct ts_conf conf;
	struct ts_error err;
	int opt;

	/* Options may come before or after the command. */
	while ((opt = getopt_long(argc, argv, "c:hVd:", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_arg = optarg; break;
		case 'd': sql_dir = optarg; break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-admin %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	const char *command = argv[optind];
	ts_log_init("tasksched-admin", TS_LOG_INFO);
	ts_conf_init(&conf);
	ts_error_clear(&err);
	const char *path = ts_conf_choose_path(config_arg);
	if (ts_conf_load(&conf, path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	ts_log_set_level(conf.log_level);

	if (strcmp(command, "migrate") == 0)
		return cmd_migrate(&conf, sql_dir);
	if (strcmp(command, "check-config") == 0) {
		printf("%s: ok\n", path);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "tasksched-admin: unknown command '%s'\n", command);
	usage(stderr);
	return 2;
}
