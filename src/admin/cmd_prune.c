/* cmd_prune.c -- tasksched-admin prune: retention at once, in the same
 * bounded steps the executor takes in the background, or with --dry-run
 * only the counts of what would go. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "db/db.h"
#include "log.h"

/* Steps until nothing more is due; *steps counts the transactions. */
static enum ts_err prune_all(struct ts_db *db, const struct ts_conf *conf,
			     struct ts_prune_counts *total, unsigned long *steps,
			     struct ts_error *err)
{
	bool more = true;

	while (more) {
		struct ts_prune_counts step = { 0 };
		enum ts_err rc = ts_db_prune_step(db, conf->retention_days,
						  conf->retention_batch_size, &step, &more, err);
		if (rc)
			return rc;
		ts_log_debug("prune step: %llu tasks, %llu runs, %llu keys", step.tasks,
			     step.runs, step.keys);
		total->tasks += step.tasks;
		total->runs += step.runs;
		total->keys += step.keys;
		(*steps)++;
	}
	return TS_OK;
}

static int prune_exec(const struct ts_admin_ctx *ctx, int argc, char **argv)
{
	const struct ts_conf *conf = ctx->conf;
	struct ts_prune_counts total = { 0 };
	struct ts_db *db = NULL;
	struct ts_error err;
	unsigned long steps = 0;
	int status = EXIT_FAILURE;

	(void)argc;
	(void)argv;
	ts_error_clear(&err);
	if (conf->retention_days == 0)
		ts_log_info("prune: retention_days is 0, finished tasks are kept; "
			    "only expired idempotency keys go");
	if (ts_db_new(conf, &db, &err) != TS_OK ||
	    (ctx->dry_run ? ts_db_prune_count(db, conf->retention_days, &total, &err)
			  : prune_all(db, conf, &total, &steps, &err)) != TS_OK) {
		ts_log_error("prune: %s (deleted so far: %llu tasks, %llu runs, %llu keys)",
			     err.message, total.tasks, total.runs, total.keys);
		goto out;
	}
	if (ctx->dry_run)
		printf("would delete %llu tasks, %llu runs and %llu idempotency keys "
		       "(retention_days = %u)\n", total.tasks, total.runs, total.keys,
		       conf->retention_days);
	else
		printf("deleted %llu tasks, %llu runs and %llu idempotency keys in %lu step%s "
		       "of at most %u (retention_days = %u)\n", total.tasks, total.runs,
		       total.keys, steps, steps == 1 ? "" : "s", conf->retention_batch_size,
		       conf->retention_days);
	status = EXIT_SUCCESS;
out:
	ts_db_free(db);
	return status;
}

const struct ts_admin_cmd_entry ts_admin_cmd_prune = {
	.verb = "prune",
	.usage = "  prune [--dry-run]        delete finished tasks older than retention_days,\n"
		 "                           with their runs, and expired idempotency keys\n",
	.exec = prune_exec,
};
