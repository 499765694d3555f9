/* admin.h -- tasksched-admin's command table: each command group exports
 * one entry, and main.c dispatches by verb and prints usage from them. */
#ifndef TS_ADMIN_H
#define TS_ADMIN_H

#include <stdbool.h>
#include <stdio.h>

#include "conf.h"

/* What every command gets: the configuration and the options, which may
 * come before or after the command (NULL when not given). */
struct ts_admin_ctx {
	const struct ts_conf *conf;
	const char *config_path;    /* the file the configuration came from */
	const char *sql_dir;        /* --sql-dir */
	const char *tenant;         /* --tenant */
	bool dry_run;               /* --dry-run */
};

/* One command (or group of commands under one verb, as "key"). */
struct ts_admin_cmd_entry {
	const char *verb;
	/* Its lines of the usage text, each indented and ending in "\n". */
	const char *usage;
	/* Whether words may follow the verb; without, any is a usage error. */
	bool takes_args;
	/* Runs the command with the words after the verb; the exit status
	 * (0, 1 on failure, which it logged, 2 on a usage error). */
	int (*exec)(const struct ts_admin_ctx *ctx, int argc, char **argv);
};

extern const struct ts_admin_cmd_entry ts_admin_cmd_migrate;
extern const struct ts_admin_cmd_entry ts_admin_cmd_check_config;
extern const struct ts_admin_cmd_entry ts_admin_cmd_key;
extern const struct ts_admin_cmd_entry ts_admin_cmd_prune;

/* Prints the usage text, with every command of the table, to `out`. */
void ts_admin_usage(FILE *out);

#endif
