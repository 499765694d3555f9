/* batch.c -- POST /tasks/batch's writes: many new tasks in one transaction
 * of multi-row inserts, idempotent as a whole. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

static const char sql_idem_batch_set[] =
	"UPDATE idempotency_keys SET batch_task_ids = ? WHERE tenant = ? AND idem_key = ?";
static const char sql_idem_batch_get[] =
	"SELECT batch_task_ids FROM idempotency_keys WHERE tenant = ? AND idem_key = ?";
static const char sql_batch_get_in_head[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE tenant = ? AND id IN (";

/* Each id and its comma: the length of batch_task_ids per task. */
#define ID_LIST_STRIDE TS_ID_TEXT_MAX

/* "INSERT INTO tasks (...) VALUES (row),(row)..." for `n` rows. */
static char *tasks_insert_sql(unsigned n)
{
	return db_sql_values("INSERT INTO tasks (" DB_TASK_INSERT_COLUMNS ") VALUES ",
			     DB_TASK_INSERT_ROW, n);
}

/* Inserts the rows, DB_SIZED_MAX per statement (one prepared statement
 * per row count, so a batch costs at most two distinct ones). */
static enum ts_err insert_rows(struct ts_db *db, const char *tenant, const struct ts_task *tasks,
			       size_t count, struct ts_error *err)
{
	MYSQL_BIND *b = calloc(DB_SIZED_MAX * DB_TASK_INSERT_PARAMS, sizeof(*b));
	struct db_task_insert_binds *x = calloc(DB_SIZED_MAX, sizeof(*x));
	enum ts_err rc = TS_OK;

	if (!b || !x) {
		rc = db_no_memory(err);
		goto out;
	}
	for (size_t start = 0; start < count && rc == TS_OK; start += DB_SIZED_MAX) {
		unsigned n = (unsigned)(count - start < DB_SIZED_MAX ? count - start : DB_SIZED_MAX);
		MYSQL_STMT *stmt;
		rc = db_stmt_sized(db, SIZED_TASKS_INSERT, n, tasks_insert_sql, &stmt, err);
		if (rc)
			break;
		for (unsigned i = 0; i < n; i++)
			db_task_bind_insert(&b[i * DB_TASK_INSERT_PARAMS], &x[i], tenant,
					    &tasks[start + i]);
		rc = db_exec_stmt(db, stmt, b, NULL, "insert tasks", err);
		rc = db_task_insert_failed(db, rc, err);
	}
out:
	free(b);
	free(x);
	return rc;
}

/* "id,id,...": the ids of `tasks` in order. Heap; NULL on no memory. */
static char *join_ids(const struct ts_task *tasks, size_t count)
{
	char *text = malloc(count * ID_LIST_STRIDE + 1);
	char *p = text;

	if (!text)
		return NULL;
	for (size_t i = 0; i < count; i++)
		p += sprintf(p, "%s%s", i ? "," : "", tasks[i].id);
	*p = '\0';
	return text;
}

/* What ts_db_task_insert_batch hands to its units. */
struct batch_call {
	const char *tenant;
	struct ts_task *tasks;
	size_t count;
	const char *idem_key;
	const char *body;
	size_t body_len;
	bool key_taken;         /* the key was in use: replay, do not write */
};

/* Records which tasks the batch's key created, within the transaction. */
static enum ts_err set_key_ids(struct ts_db *db, const struct batch_call *c,
			       struct ts_error *err)
{
	MYSQL_BIND b[3];
	unsigned long len[3];
	char *ids = join_ids(c->tasks, c->count);
	enum ts_err rc;

	if (!ids)
		return db_no_memory(err);
	db_bind_str(&b[0], ids, &len[0]);
	db_bind_str(&b[1], c->tenant, &len[1]);
	db_bind_str(&b[2], c->idem_key, &len[2]);
	rc = db_stmt_exec(db, STMT_IDEM_BATCH_SET, sql_idem_batch_set, b, NULL,
			  "record batch ids", err);
	free(ids);
	return rc;
}

/* Inside db_run_txn: claims the key (if any), then inserts every row. A
 * key already taken fails the unit, so that the transaction rolls back
 * with nothing written, and marks the call for a replay. */
static enum ts_err write_batch(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct batch_call *c = ctx;
	enum ts_err rc;

	c->key_taken = false;
	if (c->idem_key) {
		rc = db_idem_claim(db, c->tenant, c->idem_key, c->body, c->body_len,
				   c->tasks[0].id, c->tasks[0].created_at, &c->key_taken, err);
		if (rc == TS_OK && c->key_taken)
			rc = ts_error_set(err, TS_ERR_CONFLICT, "idempotency_key_taken",
					  "Idempotency-Key", "key already used");
		if (rc == TS_OK)
			rc = set_key_ids(db, c, err);
		if (rc)
			return rc;
	}
	return insert_rows(db, c->tenant, c->tasks, c->count, err);
}

/* Reads batch_task_ids of the key into *ids (heap; NULL when the key
 * belongs to a single POST or is gone). */
static enum ts_err get_key_ids(struct ts_db *db, const struct batch_call *c, char **ids,
			       struct ts_error *err)
{
	MYSQL_BIND in[2], out[1];
	unsigned long in_len[2], out_len = 0;
	my_bool out_null = 1, out_err;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_IDEM_BATCH_GET, sql_idem_batch_get, &stmt, err);

	*ids = NULL;
	if (rc)
		return rc;
	db_bind_str(&in[0], c->tenant, &in_len[0]);
	db_bind_str(&in[1], c->idem_key, &in_len[1]);
	db_bind_out_str(&out[0], NULL, 0, &out_len, &out_null, &out_err);
	if (mysql_stmt_bind_param(stmt, in) || mysql_stmt_execute(stmt) ||
	    mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, "look up batch ids", err);
	int f = mysql_stmt_fetch(stmt);
	if ((f == 0 || f == MYSQL_DATA_TRUNCATED) && !out_null) {
		MYSQL_BIND col = { 0 };
		*ids = malloc(out_len + 1);
		if (!*ids) {
			rc = db_no_memory(err);
			goto out;
		}
		col.buffer_type = MYSQL_TYPE_STRING;
		col.buffer = *ids;
		col.buffer_length = out_len + 1;
		col.length = &out_len;
		if (out_len > 0 && mysql_stmt_fetch_column(stmt, &col, 0, 0))
			rc = db_fail(db, stmt, "read batch ids", err);
		(*ids)[out_len] = '\0';
	} else if (f == 1) {
		rc = db_fail(db, stmt, "fetch batch ids", err);
	}
out:
	mysql_stmt_free_result(stmt);
	if (rc) {
		free(*ids);
		*ids = NULL;
	}
	return rc;
}

/* Puts a fetched task in the slot of its id among `ids` (the chunk
 * asked for); *placed counts the slots filled. */
static void place_task(struct ts_task *slots, char (*ids)[TS_ID_TEXT_MAX], size_t n,
		       struct ts_task *t, size_t *placed)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ids[i], t->id) != 0 || slots[i].id[0])
			continue;
		slots[i] = *t;
		ts_task_init(t);
		(*placed)++;
		return;
	}
	ts_task_cleanup(t);
}

/* Reads the tasks named in `ids` (n <= DB_ID_CHUNK) into `slots`, which
 * were emptied; *placed counts those found. */
static enum ts_err fetch_chunk(struct ts_db *db, const char *tenant, char (*ids)[TS_ID_TEXT_MAX],
			       size_t n, struct ts_task *slots, size_t *placed,
			       struct ts_error *err)
{
	MYSQL_BIND in[1 + DB_ID_CHUNK];
	unsigned long len[1 + DB_ID_CHUNK];
	struct db_task_row row;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt_in_list(db, STMT_BATCH_GET_IN, sql_batch_get_in_head, &stmt, err);

	if (rc)
		return rc;
	db_bind_str(&in[0], tenant, &len[0]);
	for (size_t i = 0; i < DB_ID_CHUNK; i++) /* padded with the last id */
		db_bind_str(&in[1 + i], ids[i < n ? i : n - 1], &len[1 + i]);
	rc = db_exec_stmt(db, stmt, in, NULL, "get batch tasks", err);
	if (rc == TS_OK)
		rc = db_task_row_bind(db, stmt, &row, err);
	while (rc == TS_OK) {
		struct ts_task t;
		bool done;
		ts_task_init(&t);
		rc = db_task_row_fetch(db, stmt, &row, &t, &done, err);
		if (rc || done) {
			ts_task_cleanup(&t);
			break;
		}
		place_task(slots, ids, n, &t, placed);
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

/* Splits "id,id,..." into exactly `count` ids; false when it does not hold
 * that many well-formed ones. */
static bool split_ids(const char *text, char (*ids)[TS_ID_TEXT_MAX], size_t count)
{
	const char *p = text;

	for (size_t i = 0; i < count; i++) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= TS_ID_TEXT_MAX)
			return false;
		memcpy(ids[i], p, n);
		ids[i][n] = '\0';
		p += n;
		if (*p == ',')
			p++;
		else if (i + 1 < count)
			return false;
	}
	return *p == '\0';
}

static enum ts_err key_conflict(struct ts_error *err, const char *why)
{
	return ts_error_set(err, TS_ERR_CONFLICT, "idempotency_key_mismatch", "Idempotency-Key",
			    "This Idempotency-Key was already used %s", why);
}

/* Fills c->tasks with the tasks the key's first request created. */
static enum ts_err load_batch(struct ts_db *db, struct batch_call *c, const char *ids_text,
			      struct ts_error *err)
{
	char (*ids)[TS_ID_TEXT_MAX] = calloc(c->count, sizeof(*ids));
	size_t placed = 0;
	enum ts_err rc = TS_OK;

	if (!ids)
		return db_no_memory(err);
	if (!split_ids(ids_text, ids, c->count)) {
		rc = key_conflict(err, "with a different request body");
		goto out;
	}
	for (size_t i = 0; i < c->count; i++)
		ts_task_cleanup(&c->tasks[i]);
	for (size_t start = 0; start < c->count && rc == TS_OK; start += DB_ID_CHUNK) {
		size_t n = c->count - start < DB_ID_CHUNK ? c->count - start : DB_ID_CHUNK;
		rc = fetch_chunk(db, c->tenant, &ids[start], n, &c->tasks[start], &placed, err);
	}
	if (rc == TS_OK && placed != c->count)
		rc = key_conflict(err, "for a batch some of whose tasks have since been deleted");
out:
	free(ids);
	return rc;
}

/* Under db_run: answers a request whose key was taken with what the
 * first request with that key created. */
static enum ts_err replay_batch(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct batch_call *c = ctx;
	char first_id[TS_ID_TEXT_MAX];
	char *ids = NULL;
	enum ts_err rc = db_idem_replay(db, c->tenant, c->idem_key, c->body, c->body_len,
					first_id, err);

	if (rc)
		return rc;
	rc = get_key_ids(db, c, &ids, err);
	if (rc == TS_OK && !ids)
		rc = key_conflict(err, "for a single task, not a batch");
	if (rc == TS_OK)
		rc = load_batch(db, c, ids, err);
	free(ids);
	return rc;
}

enum ts_err ts_db_task_insert_batch(struct ts_db *db, const char *tenant, struct ts_task *tasks,
				    size_t count, const char *idem_key, const char *body,
				    size_t body_len, bool *replayed, struct ts_error *err)
{
	struct batch_call c = {
		.tenant = tenant, .tasks = tasks, .count = count, .idem_key = idem_key,
		.body = body, .body_len = body_len,
	};
	ts_time_us now = ts_time_now();
	enum ts_err rc;

	*replayed = false;
	if (count == 0)
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL, "empty batch");
	for (size_t i = 0; i < count; i++)
		db_task_stamp_new(&tasks[i], now);
	rc = db_run_txn(db, write_batch, &c, err);
	if (rc != TS_ERR_CONFLICT || !c.key_taken)
		return rc;
	ts_error_clear(err);
	rc = db_run(db, replay_batch, &c, err);
	if (rc == TS_OK)
		*replayed = true;
	return rc;
}
