/* bind.c -- filling MYSQL_BIND arrays, converting times, and reading a
 * task row: the marshalling every query file of src/lib/db/ shares. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

void db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	*len = (unsigned long)strlen(s);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)s;
	b->buffer_length = *len;
	b->length = len;
}

void db_bind_str_or_null(MYSQL_BIND *b, const char *s, unsigned long *len, my_bool *is_null)
{
	db_bind_str(b, s ? s : "", len);
	*is_null = s == NULL;
	b->is_null = is_null;
}

void db_bind_json(MYSQL_BIND *b, const char *json, unsigned long *len)
{
	db_bind_str(b, json, len);
	b->buffer_type = MYSQL_TYPE_BLOB;
}

void db_bind_int(MYSQL_BIND *b, int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
}

void db_bind_llong(MYSQL_BIND *b, long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

void db_bind_uint(MYSQL_BIND *b, unsigned *v)
{
	db_bind_int(b, (int *)(void *)v);
	b->is_unsigned = 1;
}

void db_bind_time(MYSQL_BIND *b, MYSQL_TIME *mt, ts_time_us t)
{
	struct ts_civil c;

	ts_time_to_civil(t, &c);
	memset(mt, 0, sizeof(*mt));
	mt->year = (unsigned)c.year;
	mt->month = (unsigned)c.month;
	mt->day = (unsigned)c.day;
	mt->hour = (unsigned)c.hour;
	mt->minute = (unsigned)c.minute;
	mt->second = (unsigned)c.second;
	mt->second_part = (unsigned long)c.usec;
	mt->time_type = MYSQL_TIMESTAMP_DATETIME;
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = mt;
}

void db_bind_out_str(MYSQL_BIND *b, char *buf, unsigned long size, unsigned long *len,
		     my_bool *is_null, my_bool *error)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = size;
	b->length = len;
	b->is_null = is_null;
	b->error = error;
}

void db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *mt, my_bool *is_null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = mt;
	b->is_null = is_null;
}

ts_time_us db_time_from_mysql(const MYSQL_TIME *mt)
{
	struct ts_civil c = {
		.year = (int)mt->year, .month = (int)mt->month, .day = (int)mt->day,
		.hour = (int)mt->hour, .minute = (int)mt->minute, .second = (int)mt->second,
		.usec = (int)mt->second_part,
	};
	ts_time_us t = 0;

	ts_time_from_civil(&c, &t);
	return t;
}

/* The schedule's columns (13 on) of DB_TASK_COLUMNS. */
static void bind_schedule_columns(struct db_task_row *r)
{
	MYSQL_BIND *b = r->bind;

	db_bind_out_str(&b[13], r->cron, sizeof(r->cron), &r->len[13], &r->is_null[13],
			&r->error[13]);
	db_bind_out_str(&b[14], r->timezone, sizeof(r->timezone), &r->len[14], &r->is_null[14],
			&r->error[14]);
	db_bind_out_time(&b[15], &r->ends_at, &r->is_null[15]);
	db_bind_out_str(&b[16], r->dst_gap, sizeof(r->dst_gap), &r->len[16], &r->is_null[16],
			&r->error[16]);
	db_bind_out_str(&b[17], r->dst_repeat, sizeof(r->dst_repeat), &r->len[17],
			&r->is_null[17], &r->error[17]);
	db_bind_out_str(&b[18], r->catch_up, sizeof(r->catch_up), &r->len[18], &r->is_null[18],
			&r->error[18]);
	db_bind_llong(&b[19], &r->anchor_time);
	b[19].is_null = &r->is_null[19];
}

/* Copies the text `value` of a fetched column (NUL-terminated by the fetch)
 * into `out` of `size` bytes, cut as snprintf would cut it. Each task read
 * copies four: snprintf did it at four times the cost. */
static void copy_column(char *out, size_t size, const char *value)
{
	size_t n = strnlen(value, size - 1);

	memcpy(out, value, n);
	out[n] = '\0';
}

/* Copies the schedule's columns of a fetched row into `task`; unknown
 * names (none can be stored) keep the defaults. */
static void fetch_schedule_columns(const struct db_task_row *r, struct ts_task *task)
{
	copy_column(task->cron, sizeof(task->cron), r->is_null[13] ? "" : r->cron);
	copy_column(task->timezone, sizeof(task->timezone), r->is_null[14] ? "UTC" : r->timezone);
	task->has_ends_at = !r->is_null[15];
	task->ends_at = task->has_ends_at ? db_time_from_mysql(&r->ends_at) : 0;
	ts_dst_gap_parse(r->dst_gap, &task->dst_gap);
	ts_dst_repeat_parse(r->dst_repeat, &task->dst_repeat);
	ts_catch_up_parse(r->catch_up, &task->catch_up);
	task->has_anchor_time = !r->is_null[19];
	task->anchor_time = task->has_anchor_time ? r->anchor_time : 0;
}

enum ts_err db_task_row_bind(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *r,
			     struct ts_error *err)
{
	MYSQL_BIND *b = r->bind;

	memset(r, 0, sizeof(*r));
	db_bind_out_str(&b[0], r->id, sizeof(r->id), &r->len[0], &r->is_null[0], &r->error[0]);
	db_bind_out_str(&b[1], r->action, sizeof(r->action), &r->len[1], &r->is_null[1], &r->error[1]);
	/* payload: length learned at fetch, then read with fetch_column */
	db_bind_out_str(&b[2], NULL, 0, &r->len[2], &r->is_null[2], &r->error[2]);
	db_bind_out_time(&b[3], &r->run_at, &r->is_null[3]);
	db_bind_out_str(&b[4], r->status, sizeof(r->status), &r->len[4], &r->is_null[4], &r->error[4]);
	db_bind_out_str(&b[5], r->recurrence, sizeof(r->recurrence), &r->len[5], &r->is_null[5], &r->error[5]);
	db_bind_int(&b[6], &r->anchor_day);
	b[6].is_null = &r->is_null[6];
	db_bind_out_str(&b[7], r->parent_id, sizeof(r->parent_id), &r->len[7], &r->is_null[7], &r->error[7]);
	db_bind_out_str(&b[8], NULL, 0, &r->len[8], &r->is_null[8], &r->error[8]);
	db_bind_int(&b[9], &r->attempts);
	db_bind_int(&b[10], &r->max_attempts);
	db_bind_out_time(&b[11], &r->created_at, &r->is_null[11]);
	db_bind_out_time(&b[12], &r->updated_at, &r->is_null[12]);
	bind_schedule_columns(r);
	db_bind_out_str(&b[20], NULL, 0, &r->len[20], &r->is_null[20], &r->error[20]);
	if (mysql_stmt_bind_result(stmt, b))
		return db_fail(db, stmt, "bind result", err);
	return TS_OK;
}

/* Reads a text column whose length the fetch reported into a new string. */
static enum ts_err fetch_long_text(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *r,
				   unsigned col, char **out, struct ts_error *err)
{
	*out = NULL;
	if (r->is_null[col])
		return TS_OK;
	return db_fetch_text(db, stmt, col, r->len[col], out, err);
}

enum ts_err db_fetch_text(struct ts_db *db, MYSQL_STMT *stmt, unsigned col, unsigned long len,
			  char **out, struct ts_error *err)
{
	MYSQL_BIND b;

	*out = malloc(len + 1);
	if (!*out)
		return db_no_memory(err);
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_STRING;
	b.buffer = *out;
	b.buffer_length = len + 1;
	b.length = &len;
	if (len > 0 && mysql_stmt_fetch_column(stmt, &b, col, 0)) {
		free(*out);
		*out = NULL;
		return db_fail(db, stmt, "fetch column", err);
	}
	(*out)[len] = '\0';
	return TS_OK;
}

enum ts_err db_task_row_fetch(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *r,
			      struct ts_task *task, bool *done, struct ts_error *err)
{
	enum ts_err rc;
	int f = mysql_stmt_fetch(stmt);

	*done = false;
	if (f == MYSQL_NO_DATA) {
		*done = true;
		return TS_OK;
	}
	if (f == 1)
		return db_fail(db, stmt, "fetch", err);
	/* MYSQL_DATA_TRUNCATED is expected: payload, error_message and
	 * on_failure are bound with no buffer and read below. */
	copy_column(task->id, sizeof(task->id), r->id);
	if (!ts_action_parse(r->action, &task->action) ||
	    !ts_task_status_parse(r->status, &task->status))
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "task %s has an unknown action or status", r->id);
	task->run_at = db_time_from_mysql(&r->run_at);
	task->recurrence = TS_RECUR_NONE;
	if (!r->is_null[5])
		ts_recurrence_parse(r->recurrence, &task->recurrence);
	task->anchor_day = r->is_null[6] ? 0 : r->anchor_day;
	copy_column(task->parent_id, sizeof(task->parent_id), r->is_null[7] ? "" : r->parent_id);
	task->attempts = r->attempts;
	task->max_attempts = r->max_attempts;
	task->created_at = db_time_from_mysql(&r->created_at);
	task->updated_at = db_time_from_mysql(&r->updated_at);
	fetch_schedule_columns(r, task);
	rc = fetch_long_text(db, stmt, r, 2, &task->payload_json, err);
	if (rc == TS_OK)
		rc = fetch_long_text(db, stmt, r, 8, &task->error_message, err);
	if (rc == TS_OK)
		rc = fetch_long_text(db, stmt, r, 20, &task->on_failure_json, err);
	return rc;
}

enum ts_err db_task_rows_fetch_all(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
				   unsigned limit, struct ts_task **tasks, size_t *count,
				   struct ts_error *err)
{
	struct ts_task *arr = calloc(limit ? limit : 1, sizeof(*arr));
	enum ts_err rc = TS_OK;
	size_t n = 0;

	*tasks = NULL;
	*count = 0;
	if (!arr)
		return db_no_memory(err);
	while (n < limit) {
		bool done;
		ts_task_init(&arr[n]);
		rc = db_task_row_fetch(db, stmt, row, &arr[n], &done, err);
		if (rc || done) {
			ts_task_cleanup(&arr[n]);
			break;
		}
		n++;
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	if (rc) {
		ts_task_array_free(arr, n);
		return rc;
	}
	*tasks = arr;
	*count = n;
	return TS_OK;
}

enum ts_err db_task_select(struct ts_db *db, enum db_stmt_id id, const char *sql,
			   unsigned limit, struct ts_task **tasks, size_t *count,
			   const char *what, struct ts_error *err)
{
	MYSQL_BIND in[1];
	struct db_task_row row;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, id, sql, &stmt, err);

	*tasks = NULL;
	*count = 0;
	if (rc)
		return rc;
	db_bind_uint(&in[0], &limit);
	rc = db_exec_stmt(db, stmt, in, NULL, what, err);
	if (rc == TS_OK)
		rc = db_task_row_bind(db, stmt, &row, err);
	if (rc == TS_OK)
		rc = db_task_rows_fetch_all(db, stmt, &row, limit, tasks, count, err);
	return rc;
}

/* Binds the schedule's columns of `t` (cron ... anchor_time) to `b`. */
void db_bind_schedule(MYSQL_BIND *b, const struct ts_task *t, struct db_schedule_binds *x)
{
	db_bind_str_or_null(&b[0], t->cron[0] ? t->cron : NULL, &x->len[0], &x->null_cron);
	db_bind_str(&b[1], t->timezone[0] ? t->timezone : "UTC", &x->len[1]);
	db_bind_time(&b[2], &x->ends_at, t->ends_at);
	x->null_ends_at = !t->has_ends_at;
	b[2].is_null = &x->null_ends_at;
	db_bind_str(&b[3], ts_dst_gap_name(t->dst_gap), &x->len[3]);
	db_bind_str(&b[4], ts_dst_repeat_name(t->dst_repeat), &x->len[4]);
	db_bind_str(&b[5], ts_catch_up_name(t->catch_up), &x->len[5]);
	x->anchor_time = t->anchor_time;
	db_bind_llong(&b[6], &x->anchor_time);
	x->null_anchor_time = !t->has_anchor_time;
	b[6].is_null = &x->null_anchor_time;
}
