/* notices.c -- the outbox of failure notices (sql/005_metrics.sql): an
 * executor claims those that are due, and reports each delivered, to be
 * tried again, or given up (then recorded on the task's runs). Queued by
 * finish.c in the transaction that fails the task. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

/* due_at is the lease while a notice is being sent: one whose executor
 * died is due again when it expires, with no reaper of its own. */
static const char sql_notice_claim[] =
	"SELECT id, task_id, attempt, tries, target, body FROM task_notices"
	" WHERE due_at <= NOW(6) ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED";
static const char sql_notice_lease[] =
	"UPDATE task_notices SET due_at = NOW(6) + INTERVAL ? SECOND, lease_owner = ?,"
	" tries = tries + 1 WHERE id = ?";
static const char sql_notice_delete[] =
	"DELETE FROM task_notices WHERE id = ? AND lease_owner = ?";
static const char sql_notice_again[] =
	"UPDATE task_notices SET due_at = NOW(6) + INTERVAL ? MICROSECOND, lease_owner = NULL"
	" WHERE id = ? AND lease_owner = ?";
static const char sql_notice_run[] =
	"INSERT INTO task_runs (task_id, attempt, executor_id, started_at, finished_at,"
	" outcome, http_status, error) VALUES (?, ?, ?, ?, ?, 'failed', ?, ?)";

void ts_notice_array_free(struct ts_notice *notices, size_t count)
{
	if (!notices)
		return;
	for (size_t i = 0; i < count; i++) {
		free(notices[i].target_json);
		free(notices[i].body);
	}
	free(notices);
}

/* Binds a BIGINT UNSIGNED parameter or result. */
static void bind_id(MYSQL_BIND *b, unsigned long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

/* The arguments of ts_db_notices_claim, for db_run_txn(). */
struct claim_call {
	const char *owner;
	unsigned limit, lease_seconds;
	struct ts_notice *notices;
	size_t count;
};

/* Fetches the selected rows into c->notices (allocated for c->limit). */
static enum ts_err fetch_notices(struct ts_db *db, MYSQL_STMT *stmt, struct claim_call *c,
				 struct ts_error *err)
{
	MYSQL_BIND out[6];
	unsigned long long id = 0;
	char task_id[TS_ID_TEXT_MAX];
	int attempt = 0, tries = 0;
	unsigned long len[6];
	my_bool is_null[6], trunc[6];
	enum ts_err rc = TS_OK;
	int f = 0;

	bind_id(&out[0], &id);
	db_bind_out_str(&out[1], task_id, sizeof(task_id), &len[1], &is_null[1], &trunc[1]);
	db_bind_int(&out[2], &attempt);
	db_bind_int(&out[3], &tries);
	db_bind_out_str(&out[4], NULL, 0, &len[4], &is_null[4], &trunc[4]);
	db_bind_out_str(&out[5], NULL, 0, &len[5], &is_null[5], &trunc[5]);
	if (mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, "bind notices", err);
	while (rc == TS_OK && c->count < c->limit &&
	       ((f = mysql_stmt_fetch(stmt)) == 0 || f == MYSQL_DATA_TRUNCATED)) {
		struct ts_notice *n = &c->notices[c->count++];
		n->id = id;
		snprintf(n->task_id, sizeof(n->task_id), "%s", task_id);
		n->attempt = attempt;
		n->tries = tries + 1;
		rc = db_fetch_text(db, stmt, 4, len[4], &n->target_json, err);
		if (rc == TS_OK)
			rc = db_fetch_text(db, stmt, 5, len[5], &n->body, err);
	}
	if (rc == TS_OK && f == 1)
		rc = db_fail(db, stmt, "fetch notices", err);
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

static enum ts_err claim_notices(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct claim_call *c = ctx;
	MYSQL_BIND in[3];
	MYSQL_STMT *stmt;
	unsigned long len;
	unsigned long long id;
	enum ts_err rc;

	ts_notice_array_free(c->notices, c->count);
	c->count = 0;
	c->notices = calloc(c->limit, sizeof(*c->notices));
	if (!c->notices)
		return db_no_memory(err);
	rc = db_stmt(db, STMT_NOTICE_CLAIM, sql_notice_claim, &stmt, err);
	if (rc)
		return rc;
	db_bind_uint(&in[0], &c->limit);
	rc = db_exec_stmt(db, stmt, in, NULL, "claim notices", err);
	if (rc == TS_OK)
		rc = fetch_notices(db, stmt, c, err);
	for (size_t i = 0; rc == TS_OK && i < c->count; i++) {
		id = c->notices[i].id;
		db_bind_uint(&in[0], &c->lease_seconds);
		db_bind_str(&in[1], c->owner, &len);
		bind_id(&in[2], &id);
		rc = db_stmt_exec(db, STMT_NOTICE_LEASE, sql_notice_lease, in, NULL,
				  "lease notice", err);
	}
	return rc;
}

enum ts_err ts_db_notices_claim(struct ts_db *db, const char *owner, unsigned limit,
				unsigned lease_seconds, struct ts_notice **notices,
				size_t *count, struct ts_error *err)
{
	struct claim_call c = { .owner = owner, .limit = limit ? limit : 1,
				.lease_seconds = lease_seconds };
	enum ts_err rc = db_run_txn(db, claim_notices, &c, err);

	if (rc) {
		ts_notice_array_free(c.notices, c.count);
		c.notices = NULL;
		c.count = 0;
	}
	*notices = c.notices;
	*count = c.count;
	return rc;
}

/* The arguments of the calls on one claimed notice, for db_run(). */
struct notice_call {
	const struct ts_notice *notice;
	const char *owner;
	long long delay_us;
	const struct ts_notice_failure *failure;
};

static enum ts_err delete_notice(struct ts_db *db, const struct notice_call *c,
				 unsigned long long *affected, struct ts_error *err)
{
	MYSQL_BIND in[2];
	unsigned long long id = c->notice->id;
	unsigned long len;

	bind_id(&in[0], &id);
	db_bind_str(&in[1], c->owner, &len);
	return db_stmt_exec(db, STMT_NOTICE_DELETE, sql_notice_delete, in, affected,
			    "delete notice", err);
}

static enum ts_err delivered(struct ts_db *db, void *ctx, struct ts_error *err)
{
	return delete_notice(db, ctx, NULL, err);
}

enum ts_err ts_db_notice_delivered(struct ts_db *db, const char *owner,
				   const struct ts_notice *notice, struct ts_error *err)
{
	struct notice_call c = { .notice = notice, .owner = owner };

	return db_run(db, delivered, &c, err);
}

static enum ts_err again(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct notice_call *c = ctx;
	MYSQL_BIND in[3];
	unsigned long long id = c->notice->id;
	long long delay = c->delay_us;
	unsigned long len;

	memset(&in[0], 0, sizeof(in[0]));
	in[0].buffer_type = MYSQL_TYPE_LONGLONG;
	in[0].buffer = &delay;
	bind_id(&in[1], &id);
	db_bind_str(&in[2], c->owner, &len);
	return db_stmt_exec(db, STMT_NOTICE_AGAIN, sql_notice_again, in, NULL,
			    "reschedule notice", err);
}

enum ts_err ts_db_notice_again(struct ts_db *db, const char *owner,
			       const struct ts_notice *notice, int64_t delay_ms,
			       struct ts_error *err)
{
	struct notice_call c = { .notice = notice, .owner = owner,
				 .delay_us = delay_ms * TS_USEC_PER_MSEC };

	return db_run(db, again, &c, err);
}

/* Deletes the notice and, when it was still this executor's, records why
 * it was not delivered as a failed run of its task. */
static enum ts_err give_up(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct notice_call *c = ctx;
	const struct ts_notice_failure *f = c->failure;
	MYSQL_BIND in[7];
	MYSQL_TIME started, finished;
	unsigned long len[7];
	unsigned long long affected = 0;
	int attempt = c->notice->attempt, http_status = f->http_status;
	my_bool no_status = f->http_status == 0;
	enum ts_err rc = delete_notice(db, c, &affected, err);

	if (rc || affected == 0)
		return rc;
	db_bind_str(&in[0], c->notice->task_id, &len[0]);
	db_bind_int(&in[1], &attempt);
	db_bind_str(&in[2], c->owner, &len[2]);
	db_bind_time(&in[3], &started, f->started_at);
	db_bind_time(&in[4], &finished, f->finished_at);
	db_bind_int(&in[5], &http_status);
	in[5].is_null = &no_status;
	db_bind_str(&in[6], f->error, &len[6]);
	return db_stmt_exec(db, STMT_NOTICE_RUN, sql_notice_run, in, NULL,
			    "record undelivered notice", err);
}

enum ts_err ts_db_notice_give_up(struct ts_db *db, const char *owner,
				 const struct ts_notice *notice,
				 const struct ts_notice_failure *failure, struct ts_error *err)
{
	struct notice_call c = { .notice = notice, .owner = owner, .failure = failure };

	return db_run_txn(db, give_up, &c, err);
}
