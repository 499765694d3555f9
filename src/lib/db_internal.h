/* db_internal.h -- shared plumbing of the db_*.c files: the connection,
 * the prepared-statement cache and MYSQL_BIND helpers. Only db_*.c include
 * this, and they are the only files that include MariaDB's headers. */
#ifndef TS_DB_INTERNAL_H
#define TS_DB_INTERNAL_H

#include <mysql.h>

#include "db.h"

/* Every statement tasksched prepares, by name. */
enum db_stmt_id {
	STMT_TASK_INSERT,
	STMT_TASK_GET,
	STMT_TASK_DELETE,
	STMT_TASK_STATUS,
	STMT_RUNS_DELETE,
	STMT_IDEM_INSERT,
	STMT_IDEM_GET,
	STMT_TASK_LIST_ALL,
	STMT_TASK_LIST_ALL_AFTER,
	STMT_TASK_LIST_STATUS,
	STMT_TASK_LIST_STATUS_AFTER,
	STMT_TASK_RETRY,
	STMT_TASK_EXISTS,
	STMT_RUNS_LIST,
	STMT_CLAIM_SELECT,
	STMT_NEXT_DUE,
	STMT_FINISH_RUNS,
	STMT_FINISH_UPDATE,
	STMT_FINISH_CHILDREN,
	STMT_RELEASE,
	STMT_REAP_SELECT,
	STMT_IDEM_PURGE,
	STMT_CLAIM_UPDATE_IN,
	STMT_FINISH_COMPLETED_IN,
	STMT_KEY_INSERT,
	STMT_KEY_LOOKUP,
	STMT_KEY_LIST,
	STMT_KEY_REVOKE,
	STMT_RENEW,
	STMT_COUNT_
};

/* Statements prepared once per row count (multi-row VALUES lists). */
enum db_sized_id {
	SIZED_RUNS_INSERT,
	SIZED_COUNT_
};
#define DB_SIZED_MAX 64

struct ts_db {
	struct ts_conf conf;
	MYSQL *conn;                         /* NULL while disconnected */
	MYSQL_STMT *stmts[STMT_COUNT_];      /* prepared on first use */
	MYSQL_STMT *sized[SIZED_COUNT_][DB_SIZED_MAX + 1];
	unsigned last_errno;                 /* of the last failure */
	bool fresh;                          /* connected during this call */
};

/* Connects when not connected. Fails with TS_ERR_UNAVAILABLE. */
enum ts_err db_connect(struct ts_db *db, struct ts_error *err);

/* Closes the connection and forgets every prepared statement. */
void db_disconnect(struct ts_db *db);

/* The prepared statement `id`, preparing `sql` on first use (each id always
 * comes with the same text, which lives beside the code that runs it).
 * NULL on failure, with `err` filled (and the connection dropped when it is
 * gone). Connects first when needed. */
MYSQL_STMT *db_stmt(struct ts_db *db, enum db_stmt_id id, const char *sql,
		    struct ts_error *err);

/* The statement `id` for `n` rows (1..DB_SIZED_MAX), preparing the text
 * `build(n)` returns (heap, freed here) on first use. */
MYSQL_STMT *db_stmt_sized(struct ts_db *db, enum db_sized_id id, unsigned n,
			  char *(*build)(unsigned n), struct ts_error *err);

/* Turns the failure of the last call on `db->conn` (stmt == NULL) or on
 * `stmt` into a status: TS_ERR_UNAVAILABLE (and a dropped connection) when
 * the server is unreachable, else TS_ERR_DB. `what` names the operation in
 * the message. */
enum ts_err db_fail(struct ts_db *db, MYSQL_STMT *stmt, const char *what,
		    struct ts_error *err);

/* True when a call that failed with TS_ERR_UNAVAILABLE may be repeated
 * once: the connection was an old one that the server had closed (it was
 * restarted), so nothing of the call reached it. `attempt` counts from 0. */
bool db_retry_stale(struct ts_db *db, enum ts_err rc, int attempt);

/* Runs a statement without parameters or results (BEGIN, COMMIT, ...). */
enum ts_err db_exec(struct ts_db *db, const char *sql, struct ts_error *err);
/* Rolls back, ignoring errors: for error paths. */
void db_rollback_quietly(struct ts_db *db);

/* Filling MYSQL_BIND arrays. The pointed-to storage must outlive the
 * execute/fetch. */
void db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len);
void db_bind_str_or_null(MYSQL_BIND *b, const char *s, unsigned long *len, my_bool *is_null);
void db_bind_int(MYSQL_BIND *b, int *v);
void db_bind_uint(MYSQL_BIND *b, unsigned *v);
void db_bind_time(MYSQL_BIND *b, MYSQL_TIME *mt, ts_time_us t);
/* Result side: a fixed buffer of `size` bytes. */
void db_bind_out_str(MYSQL_BIND *b, char *buf, unsigned long size, unsigned long *len,
		     my_bool *is_null, my_bool *error);
void db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *mt, my_bool *is_null);

ts_time_us db_time_from_mysql(const MYSQL_TIME *mt);

struct db_task_row;

/* Reads rows of `stmt` (executed, result bound to `row`) into a new array
 * of at most `limit` tasks. */
enum ts_err db_task_rows_fetch_all(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
				   unsigned limit, struct ts_task **tasks, size_t *count,
				   struct ts_error *err);

/* Executes `stmt` with one string parameter (a JSON document, an id) and
 * optionally more binds after it; *affected receives the row count. */
enum ts_err db_exec_stmt(struct ts_db *db, MYSQL_STMT *stmt, MYSQL_BIND *binds,
			 unsigned long long *affected, const char *what, struct ts_error *err);

/* A task as fetched from "SELECT " DB_TASK_COLUMNS: buffers for each column
 * and the binds pointing at them. */
#define DB_TASK_COLUMNS \
	"id, action, payload, run_at, status, recurrence, anchor_day, " \
	"parent_task_id, error_message, attempts, max_attempts, created_at, updated_at"
#define DB_TASK_NCOLS 13

struct db_task_row {
	MYSQL_BIND bind[DB_TASK_NCOLS];
	unsigned long len[DB_TASK_NCOLS];
	my_bool is_null[DB_TASK_NCOLS];
	my_bool error[DB_TASK_NCOLS];
	char id[TS_ID_TEXT_MAX];
	char action[16];
	char status[16];
	char recurrence[16];
	char parent_id[TS_ID_TEXT_MAX];
	int anchor_day, attempts, max_attempts;
	MYSQL_TIME run_at, created_at, updated_at;
};

/* Binds `row` as the result of `stmt`. */
enum ts_err db_task_row_bind(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
			     struct ts_error *err);

/* Fetches the next row into `task` (initialized by the caller). Returns
 * TS_OK with *done = false for a row, *done = true at the end. The long
 * text columns (payload, error_message) are read at their full length. */
enum ts_err db_task_row_fetch(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
			      struct ts_task *task, bool *done, struct ts_error *err);

#endif
