/* db_conn.c -- the MariaDB connection: connecting, noticing it is gone,
 * the prepared-statement cache, and helpers to bind parameters. */
#include "config.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum ts_err ts_db_new(const struct ts_conf *conf, struct ts_db **out, struct ts_error *err)
{
	struct ts_db *db = calloc(1, sizeof(*db));

	*out = NULL;
	if (!db)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	db->conf = *conf;
	*out = db;
	return TS_OK;
}

void ts_db_free(struct ts_db *db)
{
	if (!db)
		return;
	db_disconnect(db);
	/* The copy of the configuration holds the password. */
	memset(&db->conf, 0, sizeof(db->conf));
	free(db);
}

void db_disconnect(struct ts_db *db)
{
	for (int i = 0; i < STMT_COUNT_; i++) {
		if (db->stmts[i])
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	for (int i = 0; i < SIZED_COUNT_; i++) {
		for (int n = 0; n <= DB_SIZED_MAX; n++) {
			if (db->sized[i][n])
				mysql_stmt_close(db->sized[i][n]);
			db->sized[i][n] = NULL;
		}
	}
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
}

/* Errors that mean the server cannot be reached or dropped us, as opposed
 * to errors in what we asked. */
static bool is_connection_error(unsigned e)
{
	switch (e) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case CR_COMMANDS_OUT_OF_SYNC:
	case CR_UNKNOWN_HOST:
	case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED:
	case ER_CON_COUNT_ERROR:
	case ER_ACCESS_DENIED_ERROR:
	case ER_BAD_DB_ERROR:
		return true;
	default:
		return false;
	}
}

enum ts_err db_fail(struct ts_db *db, MYSQL_STMT *stmt, const char *what,
		    struct ts_error *err)
{
	unsigned e;
	const char *msg;

	if (stmt) {
		e = mysql_stmt_errno(stmt);
		msg = mysql_stmt_error(stmt);
	} else if (db->conn) {
		e = mysql_errno(db->conn);
		msg = mysql_error(db->conn);
	} else {
		e = CR_SERVER_GONE_ERROR;
		msg = "not connected";
	}
	db->last_errno = e;
	if (is_connection_error(e)) {
		ts_error_set(err, TS_ERR_UNAVAILABLE, "database_unavailable", NULL,
			     "Database unavailable (%s: %s)", what, msg);
		db_disconnect(db);
		return TS_ERR_UNAVAILABLE;
	}
	return ts_error_set(err, TS_ERR_DB, "database_error", NULL,
			    "Database error (%s: %u %s)", what, e, msg);
}

bool db_retry_stale(struct ts_db *db, enum ts_err rc, int attempt)
{
	/* CR_SERVER_GONE_ERROR is reported when sending fails, before the
	 * server could act on anything, so repeating cannot run a statement
	 * twice; a fresh connection failing is a real outage. */
	return rc == TS_ERR_UNAVAILABLE && attempt == 0 && !db->fresh &&
	       db->last_errno == CR_SERVER_GONE_ERROR;
}

enum ts_err db_connect(struct ts_db *db, struct ts_error *err)
{
	const struct ts_conf *c = &db->conf;
	unsigned connect_timeout = c->db_connect_timeout;
	unsigned io_timeout = c->db_io_timeout;
	my_bool no_reconnect = 0;
	static const char *const session_setup[] = {
		/* Every DATETIME is UTC; NOW(6) must be too. */
		"SET time_zone = '+00:00'",
		"SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
		"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
		/* SKIP LOCKED claims need no gap locks; READ COMMITTED avoids them. */
		"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
	};

	db->fresh = false;
	if (db->conn)
		return TS_OK;
	db->conn = mysql_init(NULL);
	if (!db->conn)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &no_reconnect);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(db->conn, c->db_socket[0] ? NULL : c->db_host,
				c->db_user, c->db_password, c->db_name,
				c->db_socket[0] ? 0 : c->db_port,
				c->db_socket[0] ? c->db_socket : NULL, 0)) {
		enum ts_err rc = db_fail(db, NULL, "connect", err);
		/* Whatever the reason, a failed connect means no database. */
		if (rc != TS_ERR_UNAVAILABLE) {
			db_disconnect(db);
			rc = ts_error_set(err, TS_ERR_UNAVAILABLE, "database_unavailable",
					  NULL, "%s", err ? err->message : "");
		}
		return rc;
	}
	for (size_t i = 0; i < sizeof(session_setup) / sizeof(session_setup[0]); i++) {
		if (mysql_real_query(db->conn, session_setup[i], strlen(session_setup[i])))
			return db_fail(db, NULL, "session setup", err);
	}
	db->fresh = true;
	return TS_OK;
}

MYSQL_STMT *db_stmt(struct ts_db *db, enum db_stmt_id id, const char *sql,
		    struct ts_error *err)
{
	MYSQL_STMT *stmt;

	if (db_connect(db, err) != TS_OK)
		return NULL;
	if (db->stmts[id])
		return db->stmts[id];
	stmt = mysql_stmt_init(db->conn);
	if (!stmt) {
		db_fail(db, NULL, "prepare", err);
		return NULL;
	}
	if (mysql_stmt_prepare(stmt, sql, strlen(sql))) {
		db_fail(db, stmt, "prepare", err);
		mysql_stmt_close(stmt);
		return NULL;
	}
	db->stmts[id] = stmt;
	return stmt;
}

MYSQL_STMT *db_stmt_sized(struct ts_db *db, enum db_sized_id id, unsigned n,
			  char *(*build)(unsigned n), struct ts_error *err)
{
	MYSQL_STMT *stmt;
	char *sql;

	if (n < 1 || n > DB_SIZED_MAX) {
		ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL, "bad statement size %u", n);
		return NULL;
	}
	if (db_connect(db, err) != TS_OK)
		return NULL;
	if (db->sized[id][n])
		return db->sized[id][n];
	sql = build(n);
	if (!sql) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	stmt = mysql_stmt_init(db->conn);
	if (!stmt) {
		free(sql);
		db_fail(db, NULL, "prepare", err);
		return NULL;
	}
	if (mysql_stmt_prepare(stmt, sql, strlen(sql))) {
		free(sql);
		db_fail(db, stmt, "prepare", err);
		mysql_stmt_close(stmt);
		return NULL;
	}
	free(sql);
	db->sized[id][n] = stmt;
	return stmt;
}

enum ts_err ts_db_ping(struct ts_db *db, struct ts_error *err)
{
	enum ts_err rc;

	for (int attempt = 0;; attempt++) {
		rc = db_connect(db, err);
		if (rc == TS_OK && mysql_ping(db->conn) != 0)
			rc = db_fail(db, NULL, "ping", err);
		if (!db_retry_stale(db, rc, attempt))
			return rc;
	}
}

enum ts_err db_exec(struct ts_db *db, const char *sql, struct ts_error *err)
{
	enum ts_err rc = db_connect(db, err);

	if (rc)
		return rc;
	if (mysql_real_query(db->conn, sql, strlen(sql)))
		return db_fail(db, NULL, sql, err);
	return TS_OK;
}

void db_rollback_quietly(struct ts_db *db)
{
	if (db->conn && mysql_rollback(db->conn) != 0)
		db_disconnect(db);
}

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

void db_bind_int(MYSQL_BIND *b, int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
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
	if (mysql_stmt_bind_result(stmt, b))
		return db_fail(db, stmt, "bind result", err);
	return TS_OK;
}

/* Reads a text column whose length the fetch reported into a new string. */
static enum ts_err fetch_long_text(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *r,
				   unsigned col, char **out, struct ts_error *err)
{
	MYSQL_BIND b;
	unsigned long len = r->len[col];

	*out = NULL;
	if (r->is_null[col])
		return TS_OK;
	*out = malloc(len + 1);
	if (!*out)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
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
	/* MYSQL_DATA_TRUNCATED is expected: payload and error_message are
	 * bound with no buffer and read below. */
	snprintf(task->id, sizeof(task->id), "%s", r->id);
	if (!ts_action_parse(r->action, &task->action) ||
	    !ts_task_status_parse(r->status, &task->status))
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "task %s has an unknown action or status", r->id);
	task->run_at = db_time_from_mysql(&r->run_at);
	task->recurrence = TS_RECUR_NONE;
	if (!r->is_null[5])
		ts_recurrence_parse(r->recurrence, &task->recurrence);
	task->anchor_day = r->is_null[6] ? 0 : r->anchor_day;
	snprintf(task->parent_id, sizeof(task->parent_id), "%s",
		 r->is_null[7] ? "" : r->parent_id);
	task->attempts = r->attempts;
	task->max_attempts = r->max_attempts;
	task->created_at = db_time_from_mysql(&r->created_at);
	task->updated_at = db_time_from_mysql(&r->updated_at);
	rc = fetch_long_text(db, stmt, r, 2, &task->payload_json, err);
	if (rc == TS_OK)
		rc = fetch_long_text(db, stmt, r, 8, &task->error_message, err);
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
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
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

enum ts_err db_exec_stmt(struct ts_db *db, MYSQL_STMT *stmt, MYSQL_BIND *binds,
			 unsigned long long *affected, const char *what, struct ts_error *err)
{
	if ((binds && mysql_stmt_bind_param(stmt, binds)) || mysql_stmt_execute(stmt))
		return db_fail(db, stmt, what, err);
	if (affected)
		*affected = mysql_stmt_affected_rows(stmt);
	return TS_OK;
}
