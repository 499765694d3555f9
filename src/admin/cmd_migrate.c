/* cmd_migrate.c -- tasksched-admin migrate: applies the pending database
 * migrations. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "db/db.h"
#include "log.h"

static int migrate_exec(const struct ts_admin_ctx *ctx, int argc, char **argv)
{
	const char *sql_dir = ctx->sql_dir ? ctx->sql_dir : ctx->conf->sql_dir;
	struct ts_db *db = NULL;
	struct ts_error err;
	int from = 0, to = 0, status = EXIT_FAILURE;

	(void)argc;
	(void)argv;
	ts_error_clear(&err);
	if (ts_db_new(ctx->conf, &db, &err) != TS_OK ||
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

const struct ts_admin_cmd_entry ts_admin_cmd_migrate = {
	.verb = "migrate",
	.usage = "  migrate [--sql-dir DIR]  apply pending database migrations (idempotent)\n",
	.exec = migrate_exec,
};
