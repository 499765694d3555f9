/* conn.c -- the MariaDB connection: connecting, noticing it is gone, the
 * prepared-statement cache, and running statements. */
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
		return db_no_memory(err);
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
		return db_no_memory(err);
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

/* Prepares `sql` on the connection into *out (NULL on failure). */
static enum ts_err prepare(struct ts_db *db, const char *sql, MYSQL_STMT **out,
			   struct ts_error *err)
{
	MYSQL_STMT *stmt = mysql_stmt_init(db->conn);
	enum ts_err rc;

	*out = NULL;
	if (!stmt)
		return db_fail(db, NULL, "prepare", err);
	if (mysql_stmt_prepare(stmt, sql, strlen(sql))) {
		rc = db_fail(db, stmt, "prepare", err);
		mysql_stmt_close(stmt);
		return rc;
	}
	*out = stmt;
	return TS_OK;
}

enum ts_err db_stmt(struct ts_db *db, enum db_stmt_id id, const char *sql,
		    MYSQL_STMT **stmt, struct ts_error *err)
{
	enum ts_err rc = db_connect(db, err);

	*stmt = NULL;
	if (rc == TS_OK && !db->stmts[id])
		rc = prepare(db, sql, &db->stmts[id], err);
	if (rc == TS_OK)
		*stmt = db->stmts[id];
	return rc;
}

enum ts_err db_stmt_sized(struct ts_db *db, enum db_sized_id id, unsigned n,
			  char *(*build)(unsigned n), MYSQL_STMT **stmt,
			  struct ts_error *err)
{
	enum ts_err rc;
	char *sql;

	*stmt = NULL;
	if (n < 1 || n > DB_SIZED_MAX)
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "bad statement size %u", n);
	rc = db_connect(db, err);
	if (rc == TS_OK && !db->sized[id][n]) {
		sql = build(n);
		if (!sql)
			return db_no_memory(err);
		rc = prepare(db, sql, &db->sized[id][n], err);
		free(sql);
	}
	if (rc == TS_OK)
		*stmt = db->sized[id][n];
	return rc;
}

enum ts_err db_stmt_in_list(struct ts_db *db, enum db_stmt_id id, const char *head,
			    MYSQL_STMT **stmt, struct ts_error *err)
{
	size_t len = strlen(head) + DB_ID_CHUNK * 2 + 2;
	enum ts_err rc = db_connect(db, err);
	char *sql, *p;

	*stmt = NULL;
	if (rc)
		return rc;
	if (db->stmts[id]) {
		*stmt = db->stmts[id];
		return TS_OK;
	}
	sql = malloc(len);
	if (!sql)
		return db_no_memory(err);
	p = sql + sprintf(sql, "%s", head);
	for (int i = 0; i < DB_ID_CHUNK; i++)
		p += sprintf(p, i ? ",?" : "?");
	sprintf(p, ")");
	rc = db_stmt(db, id, sql, stmt, err);
	free(sql);
	return rc;
}

static enum ts_err ping(struct ts_db *db, void *ctx, struct ts_error *err)
{
	enum ts_err rc = db_connect(db, err);

	(void)ctx;
	if (rc == TS_OK && mysql_ping(db->conn) != 0)
		rc = db_fail(db, NULL, "ping", err);
	return rc;
}

enum ts_err ts_db_ping(struct ts_db *db, struct ts_error *err)
{
	return db_run(db, ping, NULL, err);
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

enum ts_err db_no_memory(struct ts_error *err)
{
	return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
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

enum ts_err db_fetch_one(struct ts_db *db, MYSQL_STMT *stmt, MYSQL_BIND *in, MYSQL_BIND *out,
			 bool *found, const char *what, struct ts_error *err)
{
	enum ts_err rc = db_exec_stmt(db, stmt, in, NULL, what, err);
	int f;

	*found = false;
	if (rc)
		return rc;
	if (mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, what, err);
	f = mysql_stmt_fetch(stmt);
	if (f == 1)
		rc = db_fail(db, stmt, what, err);
	else
		*found = f != MYSQL_NO_DATA;
	/* A lost connection made db_fail close every statement, this one too. */
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

enum ts_err db_stmt_exec(struct ts_db *db, enum db_stmt_id id, const char *sql,
			 MYSQL_BIND *binds, unsigned long long *affected, const char *what,
			 struct ts_error *err)
{
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, id, sql, &stmt, err);

	if (rc)
		return rc;
	return db_exec_stmt(db, stmt, binds, affected, what, err);
}

enum ts_err db_exec_in_list(struct ts_db *db, MYSQL_STMT *stmt, const MYSQL_BIND *fixed,
			    unsigned nfixed, const char *const *ids, size_t count,
			    unsigned long long *affected, const char *what,
			    struct ts_error *err)
{
	MYSQL_BIND b[4 + DB_ID_CHUNK];
	unsigned long len[DB_ID_CHUNK];
	enum ts_err rc = TS_OK;

	*affected = 0;
	if (nfixed > 4)
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "%u fixed parameters", nfixed);
	memcpy(b, fixed, nfixed * sizeof(*b));
	for (size_t start = 0; start < count && rc == TS_OK; start += DB_ID_CHUNK) {
		unsigned long long n = 0;
		for (size_t i = 0; i < DB_ID_CHUNK; i++) {
			size_t k = start + i < count ? start + i : count - 1;
			db_bind_str(&b[nfixed + i], ids[k], &len[i]);
		}
		rc = db_exec_stmt(db, stmt, b, &n, what, err);
		*affected += n;
	}
	return rc;
}
