/* metrics.c -- what GET /metrics reads (sql/005_metrics.sql, sharded per node by
 * sql/008_metrics_per_node.sql): counters added to in the transaction that
 * records the outcomes they count, the executor's last run, and a scrape's
 * bounded set of queries. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "finish_plan.h"
#include "json.h"
#include "metrics.h"

/* A shard is this node's (sql/008_metrics_per_node.sql) and this
 * connection's: on Galera, two nodes never write the same row, so the
 * counters cost no certification conflicts. Rows in a fixed (name, label)
 * order: two transactions adding to the same shard lock its rows in the
 * same order and cannot deadlock. */
static const char sql_counters_add[] =
	"INSERT INTO metric_counters (name, label, node, shard, value)"
	" SELECT j.name, j.label, LEFT(@@wsrep_node_name, 64), CONNECTION_ID() % 16, j.delta"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	"  name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin PATH '$.name',"
	"  label VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin PATH '$.label',"
	"  delta BIGINT UNSIGNED PATH '$.delta')) j"
	" ORDER BY j.name, j.label"
	" ON DUPLICATE KEY UPDATE value = value + VALUES(value)";

/* One mark per node; a scrape takes the latest. */
static const char sql_mark_run[] =
	"INSERT INTO metric_marks (name, node, at)"
	" VALUES ('executor_last_run', LEFT(@@wsrep_node_name, 64), NOW(6))"
	" ON DUPLICATE KEY UPDATE at = GREATEST(at, VALUES(at))";

/* Each scrape query reads a table of a few hundred rows at most, except
 * the backlog count, a range of the (status, due_at) index as long as the
 * backlog itself (docs/design.md, "Metrics"). */
static const char sql_read_status[] =
	"SELECT status, '', CAST(SUM(n) AS SIGNED) FROM task_status_counts GROUP BY status";
static const char sql_read_counters[] =
	"SELECT name, label, CAST(SUM(value) AS SIGNED) FROM metric_counters"
	" GROUP BY name, label";
static const char sql_read_due[] =
	"SELECT 'due', '', COUNT(*) FROM tasks WHERE status = 'scheduled' AND due_at <= NOW(6)"
	" UNION ALL"
	" SELECT 'oldest_us', '', COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(due_at), NOW(6)), 0)"
	" FROM tasks WHERE status = 'scheduled' AND due_at <= NOW(6)"
	" UNION ALL"
	" SELECT 'last_run_us', '', TIMESTAMPDIFF(MICROSECOND, '1970-01-01', MAX(at))"
	" FROM metric_marks WHERE name = 'executor_last_run'";

/* --- counting outcomes --- */

#define RUNS_NAME "runs_total"

/* One counter row to add to. */
struct counter_row {
	char name[64];
	char label[32];
	uint64_t delta;
};

static int compare_rows(const void *a, const void *b)
{
	const struct counter_row *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->label, y->label);
}

/* The rows of a histogram's non-zero buckets and its sum. */
static size_t histogram_rows(const struct ts_histogram_bounds *b, const struct ts_histogram *h,
			     struct counter_row *rows)
{
	size_t n = 0;

	for (size_t i = 0; i <= b->count; i++) {
		if (!h->buckets[i])
			continue;
		snprintf(rows[n].name, sizeof(rows[n].name), "%s_bucket", b->name);
		snprintf(rows[n].label, sizeof(rows[n].label), "%s",
			 i < b->count ? b->le[i] : "+Inf");
		rows[n++].delta = h->buckets[i];
	}
	if (h->sum_us) {
		snprintf(rows[n].name, sizeof(rows[n].name), "%s_sum_us", b->name);
		rows[n].label[0] = '\0';
		rows[n++].delta = h->sum_us;
	}
	return n;
}

/* The counter rows of `d`, sorted; returns how many. */
static size_t delta_rows(const struct ts_metrics_delta *d, struct counter_row *rows)
{
	size_t n = 0;

	for (unsigned i = 0; i < TS_RUN_OUTCOME_COUNT; i++) {
		if (!d->runs[i])
			continue;
		snprintf(rows[n].name, sizeof(rows[n].name), RUNS_NAME);
		snprintf(rows[n].label, sizeof(rows[n].label), "%s", ts_run_outcome_name(i));
		rows[n++].delta = d->runs[i];
	}
	n += histogram_rows(&ts_metrics_lateness, &d->lateness, rows + n);
	n += histogram_rows(&ts_metrics_webhook_duration, &d->webhook_duration, rows + n);
	qsort(rows, n, sizeof(*rows), compare_rows);
	return n;
}

#define COUNTER_ROWS_MAX (TS_RUN_OUTCOME_COUNT + 2 * (TS_HISTOGRAM_BUCKETS_MAX + 1))

enum ts_err db_metrics_count(struct ts_db *db, const struct db_finish_batch *b,
			     struct ts_error *err)
{
	struct ts_metrics_delta d;
	struct counter_row rows[COUNTER_ROWS_MAX];
	struct ts_json_rows *json = NULL;
	char *text = NULL;
	MYSQL_BIND in[1];
	unsigned long len;
	enum ts_err rc = TS_OK;

	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < b->count; i++) {
		const struct ts_task_result *r = &b->results[i];
		struct ts_metrics_attempt a = {
			.recorded = b->decisions[i].recorded, .attempt = r->task->attempts,
			.run_at = r->task->run_at, .started_at = r->started_at,
			.finished_at = r->finished_at, .webhook_sent = r->sent,
		};
		ts_metrics_delta_add(&d, &a);
	}
	size_t n = delta_rows(&d, rows);
	if (n == 0)
		return TS_OK;
	json = ts_json_rows_new();
	if (!json)
		return db_no_memory(err);
	for (size_t i = 0; i < n; i++) {
		if (!ts_json_rows_add(json) || !ts_json_rows_str(json, "name", rows[i].name) ||
		    !ts_json_rows_str(json, "label", rows[i].label) ||
		    !ts_json_rows_int(json, "delta", (long long)rows[i].delta)) {
			rc = db_no_memory(err);
			goto out;
		}
	}
	text = ts_json_rows_print(json);
	if (!text) {
		rc = db_no_memory(err);
		goto out;
	}
	db_bind_json(&in[0], text, &len);
	rc = db_stmt_exec(db, STMT_METRICS_ADD, sql_counters_add, in, NULL, "count outcomes",
			  err);
out:
	free(text);
	ts_json_rows_free(json);
	return rc;
}

/* --- the executor's last run --- */

static enum ts_err mark_run(struct ts_db *db, void *ctx, struct ts_error *err)
{
	(void)ctx;
	return db_stmt_exec(db, STMT_METRICS_MARK_RUN, sql_mark_run, NULL, NULL,
			    "mark the executor's run", err);
}

enum ts_err ts_db_metrics_mark_run(struct ts_db *db, struct ts_error *err)
{
	return db_run(db, mark_run, NULL, err);
}

/* --- a scrape --- */

/* Puts a histogram's row ("<name>_bucket" with its le, "<name>_sum_us")
 * in place; false when `name` is no histogram's. A bucket this version
 * does not have is left out, so the buckets and the count stay consistent. */
static bool apply_histogram_row(struct ts_metrics_snapshot *s, const char *name,
				const char *label, long long v)
{
	const struct ts_histogram_bounds *bounds[] = { &ts_metrics_lateness,
						       &ts_metrics_webhook_duration };
	struct ts_histogram *hist[] = { &s->lateness, &s->webhook_duration };

	for (size_t k = 0; k < sizeof(bounds) / sizeof(bounds[0]); k++) {
		size_t n = strlen(bounds[k]->name);
		if (strncmp(name, bounds[k]->name, n) != 0)
			continue;
		if (strcmp(name + n, "_bucket") == 0) {
			int i = ts_histogram_bucket_of(bounds[k], label);
			if (i >= 0)
				hist[k]->buckets[i] = (uint64_t)v;
			return true;
		}
		if (strcmp(name + n, "_sum_us") == 0) {
			hist[k]->sum_us = (uint64_t)v;
			return true;
		}
	}
	return false;
}

/* Puts one (name, label, value) row of the scrape queries in place. */
static void apply_row(struct ts_metrics_snapshot *s, const char *name, const char *label,
		      long long v)
{
	enum ts_task_status st;

	if (apply_histogram_row(s, name, label, v))
		return;
	if (strcmp(name, RUNS_NAME) == 0) {
		for (unsigned o = 0; o < TS_RUN_OUTCOME_COUNT; o++) {
			if (strcmp(label, ts_run_outcome_name(o)) == 0)
				s->runs[o] = (uint64_t)v;
		}
	} else if (strcmp(name, "due") == 0) {
		s->due_tasks = (uint64_t)v;
	} else if (strcmp(name, "oldest_us") == 0) {
		s->oldest_due_us = v > 0 ? v : 0;
	} else if (strcmp(name, "last_run_us") == 0) {
		s->executor_last_run = v;
	} else if (ts_task_status_parse(name, &st)) {
		s->tasks[st] = v;
	}
}

/* Runs one of the scrape queries (rows of name, label, value) into `s`. */
static enum ts_err read_rows(struct ts_db *db, enum db_stmt_id id, const char *sql,
			     struct ts_metrics_snapshot *s, struct ts_error *err)
{
	MYSQL_BIND out[3];
	char name[65], label[33];
	unsigned long len[2];
	my_bool is_null[3], trunc[2];
	long long v = 0;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, id, sql, &stmt, err);
	int f;

	if (rc)
		return rc;
	db_bind_out_str(&out[0], name, sizeof(name), &len[0], &is_null[0], &trunc[0]);
	db_bind_out_str(&out[1], label, sizeof(label), &len[1], &is_null[1], &trunc[1]);
	memset(&out[2], 0, sizeof(out[2]));
	out[2].buffer_type = MYSQL_TYPE_LONGLONG;
	out[2].buffer = &v;
	out[2].is_null = &is_null[2];
	rc = db_exec_stmt(db, stmt, NULL, NULL, "read metrics", err);
	if (rc)
		return rc;
	if (mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, "read metrics", err);
	while ((f = mysql_stmt_fetch(stmt)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		if (f == 0 && !is_null[0] && !is_null[2])
			apply_row(s, name, is_null[1] ? "" : label, v);
	}
	if (f == 1)
		rc = db_fail(db, stmt, "read metrics", err);
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

static enum ts_err read_snapshot(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct ts_metrics_snapshot *s = ctx;
	enum ts_err rc;

	memset(s, 0, sizeof(*s));
	rc = read_rows(db, STMT_METRICS_READ_STATUS, sql_read_status, s, err);
	if (rc == TS_OK)
		rc = read_rows(db, STMT_METRICS_READ_COUNTERS, sql_read_counters, s, err);
	if (rc == TS_OK)
		rc = read_rows(db, STMT_METRICS_READ_DUE, sql_read_due, s, err);
	return rc;
}

enum ts_err ts_db_metrics_read(struct ts_db *db, struct ts_metrics_snapshot *s,
			       struct ts_error *err)
{
	return db_run(db, read_snapshot, s, err);
}
