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
	enum ts_err rc;

	*out = NULL;
	if (!db)
		return db_no_memory(err);
	db->conf = *conf;
	rc = ts_conf_hosts_parse(conf->db_host, conf->db_port, db->hosts, &db->host_count, err);
	if (rc != TS_OK) {
		ts_db_free(db);
		return rc;
	}
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
	/* A Galera node outside the primary component: "WSREP has not yet
	 * prepared node for application use". Another node can serve. */
	case ER_UNKNOWN_COM_ERROR:
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

	if (stmt && mysql_stmt_errno(stmt)) {
		e = mysql_stmt_errno(stmt);
		msg = mysql_stmt_error(stmt);
	} else if (db->conn) {
		/* A row fetch that meets an error packet (on Galera, a claim
		 * aborted by a replicated write) leaves the statement's error
		 * empty and the connection's set. */
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
		/* On loss, the next host: the lost one is the likeliest to be down. */
		if (db->host_count > 1)
			db->host_cur = (db->host_cur + 1) % db->host_count;
		return TS_ERR_UNAVAILABLE;
	}
	return ts_error_set(err, TS_ERR_DB, "database_error", NULL,
			    "Database error (%s: %u %s)", what, e, msg);
}

/* Reads the one-row, two-column result of `sql` (SHOW ... LIKE of one
 * name) into `value`; an empty result leaves `value` empty. */
static enum ts_err show_value(struct ts_db *db, const char *sql, char *value, size_t size,
			      struct ts_error *err)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	value[0] = '\0';
	if (mysql_real_query(db->conn, sql, strlen(sql)) || !(res = mysql_store_result(db->conn)))
		return db_fail(db, NULL, "galera check", err);
	row = mysql_fetch_row(res);
	if (row && mysql_num_fields(res) == 2 && row[1])
		snprintf(value, size, "%s", row[1]);
	mysql_free_result(res);
	return TS_OK;
}

/* A server without wsrep (plain MariaDB) is usable as it is; a Galera
 * node only when it is ready and Synced, not joining, donor or cut off
 * from the primary component. Checked once per connect, never per request. */
static enum ts_err check_galera(struct ts_db *db, struct ts_error *err)
{
	char on[16], ready[16], state[16];
	enum ts_err rc = show_value(db, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'", on, sizeof(on), err);

	if (rc != TS_OK || strcmp(on, "ON") != 0)
		return rc;
	rc = show_value(db, "SHOW GLOBAL STATUS LIKE 'wsrep_ready'", ready, sizeof(ready), err);
	if (rc == TS_OK)
		rc = show_value(db, "SHOW GLOBAL STATUS LIKE 'wsrep_local_state'", state,
				sizeof(state), err);
	if (rc == TS_OK && (strcmp(ready, "ON") != 0 || strcmp(state, "4") != 0))
		rc = ts_error_set(err, TS_ERR_UNAVAILABLE, "database_unavailable", NULL,
				  "Database unavailable (Galera node not usable: wsrep_ready=%s, "
				  "wsrep_local_state=%s)", ready, state);
	return rc;
}

/* Connects to hosts[k] (the socket when db_socket is set) and sets the
 * session up. On failure nothing stays open. */
static enum ts_err connect_host(struct ts_db *db, size_t k, struct ts_error *err)
{
	const struct ts_conf *c = &db->conf;
	const struct ts_conf_host *h = &db->hosts[k];
	unsigned connect_timeout = c->db_connect_timeout;
	unsigned io_timeout = c->db_io_timeout;
	my_bool no_reconnect = 0;
	enum ts_err rc = TS_OK;
	static const char *const session_setup[] = {
		/* Every DATETIME is UTC; NOW(6) must be too. */
		"SET time_zone = '+00:00'",
		"SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
		"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
		/* SKIP LOCKED claims need no gap locks; READ COMMITTED avoids them. */
		"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
	};

	db->conn = mysql_init(NULL);
	if (!db->conn)
		return db_no_memory(err);
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &no_reconnect);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(db->conn, c->db_socket[0] ? NULL : h->name,
				c->db_user, c->db_password, c->db_name,
				c->db_socket[0] ? 0 : h->port,
				c->db_socket[0] ? c->db_socket : NULL, 0)) {
		rc = db_fail(db, NULL, "connect", err);
		/* Whatever the reason, a failed connect means no database. */
		if (rc != TS_ERR_UNAVAILABLE)
			rc = ts_error_set(err, TS_ERR_UNAVAILABLE, "database_unavailable",
					  NULL, "%s", err ? err->message : "");
		goto out;
	}
	for (size_t i = 0; i < sizeof(session_setup) / sizeof(session_setup[0]) && !rc; i++) {
		if (mysql_real_query(db->conn, session_setup[i], strlen(session_setup[i])))
			rc = db_fail(db, NULL, "session setup", err);
	}
	if (rc == TS_OK)
		rc = check_galera(db, err);
out:
	if (rc != TS_OK)
		db_disconnect(db);
	return rc;
}

enum ts_err db_connect(struct ts_db *db, struct ts_error *err)
{
	/* With a socket there is one server, whatever db_host lists. */
	size_t n = db->conf.db_socket[0] ? 1 : db->host_count;
	size_t first = db->host_cur % n;
	enum ts_err rc = TS_OK;

	db->fresh = false;
	if (db->conn)
		return TS_OK;
	for (size_t i = 0; i < n; i++) {
		size_t k = (first + i) % n;
		rc = connect_host(db, k, err);
		if (rc == TS_OK) {
			db->host_cur = k;
			db->fresh = true;
			return TS_OK;
		}
		if (rc != TS_ERR_UNAVAILABLE)
			break;
	}
	/* db_fail moved host_cur on; the next call starts where this one did. */
	db->host_cur = first;
	return rc;
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

char *db_sql_values(const char *head, const char *row, unsigned n)
{
	size_t head_len = strlen(head), row_len = strlen(row);
	char *sql = malloc(head_len + n * (row_len + 1) + 1);
	char *p = sql;

	if (!sql)
		return NULL;
	memcpy(p, head, head_len);
	p += head_len;
	for (unsigned i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		memcpy(p, row, row_len);
		p += row_len;
	}
	*p = '\0';
	return sql;
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
