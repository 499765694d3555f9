/* keys.c -- API keys: created and revoked by tasksched-admin, looked up
 * by the API to learn a request's tenant. Only digests are stored. */
#include "config.h"

#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "sign.h"

static const char sql_key_insert[] =
	"INSERT INTO api_keys (name, tenant, token_hash, token_prefix, created_at)"
	" VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))";

static const char sql_key_lookup[] =
	"SELECT tenant, token_hash FROM api_keys WHERE token_hash = ? AND revoked_at IS NULL";

static const char sql_key_list[] =
	"SELECT name, tenant, token_prefix, created_at, revoked_at FROM api_keys ORDER BY id";

static const char sql_key_revoke[] =
	"UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(6) WHERE name = ? AND revoked_at IS NULL";

enum ts_err ts_db_key_create(struct ts_db *db, const char *name, const char *tenant,
			     const char *token_hash, const char *token_prefix,
			     struct ts_error *err)
{
	MYSQL_BIND in[4];
	unsigned long len[4];
	enum ts_err rc;

	db_bind_str(&in[0], name, &len[0]);
	db_bind_str(&in[1], tenant, &len[1]);
	db_bind_str(&in[2], token_hash, &len[2]);
	db_bind_str(&in[3], token_prefix, &len[3]);
	rc = db_stmt_exec(db, STMT_KEY_INSERT, sql_key_insert, in, NULL, "create key", err);
	if (rc == TS_ERR_DB && db->last_errno == ER_DUP_ENTRY)
		return ts_error_set(err, TS_ERR_CONFLICT, "key_exists", "name",
				    "a key named '%s' exists already", name);
	return rc;
}

/* The arguments of ts_db_key_tenant, for db_run(). */
struct tenant_call {
	const char *token_hash;
	char *tenant;  /* TS_TENANT_MAX bytes */
};

static enum ts_err key_tenant(struct ts_db *db, void *ctx, struct ts_error *err)
{
	const struct tenant_call *c = ctx;
	const char *token_hash = c->token_hash;
	char *tenant = c->tenant;
	MYSQL_BIND in[1], out[2];
	unsigned long in_len, out_len[2];
	my_bool is_null[2], trunc[2];
	char stored[TS_SHA256_HEX_MAX];
	bool row;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_KEY_LOOKUP, sql_key_lookup, &stmt, err);

	if (rc)
		return rc;
	db_bind_str(&in[0], token_hash, &in_len);
	db_bind_out_str(&out[0], tenant, TS_TENANT_MAX, &out_len[0], &is_null[0], &trunc[0]);
	db_bind_out_str(&out[1], stored, sizeof(stored), &out_len[1], &is_null[1], &trunc[1]);
	rc = db_fetch_one(db, stmt, in, out, &row, "look up key", err);
	if (rc == TS_OK && (!row || out_len[1] != TS_SHA256_HEX_MAX - 1 ||
			    /* the index found it; compare again without a data-dependent exit */
			    !ts_sign_equal(stored, token_hash, TS_SHA256_HEX_MAX - 1)))
		rc = ts_error_set(err, TS_ERR_NOT_FOUND, "unauthorized", NULL, "unknown or revoked key");
	return rc;
}

enum ts_err ts_db_key_tenant(struct ts_db *db, const char *token_hash,
			     char tenant[TS_TENANT_MAX], struct ts_error *err)
{
	struct tenant_call c = { .token_hash = token_hash, .tenant = tenant };

	return db_run(db, key_tenant, &c, err);
}

enum ts_err ts_db_key_list(struct ts_db *db, struct ts_api_key **keys, size_t *count,
			   struct ts_error *err)
{
	MYSQL_BIND out[5];
	unsigned long len[5];
	my_bool is_null[5], trunc[5];
	struct ts_api_key k, *arr = NULL;
	MYSQL_TIME created, revoked;
	size_t n = 0, cap = 0;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_KEY_LIST, sql_key_list, &stmt, err);

	*keys = NULL;
	*count = 0;
	if (rc)
		return rc;
	memset(&k, 0, sizeof(k));
	db_bind_out_str(&out[0], k.name, sizeof(k.name), &len[0], &is_null[0], &trunc[0]);
	db_bind_out_str(&out[1], k.tenant, sizeof(k.tenant), &len[1], &is_null[1], &trunc[1]);
	db_bind_out_str(&out[2], k.prefix, sizeof(k.prefix), &len[2], &is_null[2], &trunc[2]);
	db_bind_out_time(&out[3], &created, &is_null[3]);
	db_bind_out_time(&out[4], &revoked, &is_null[4]);
	rc = db_exec_stmt(db, stmt, NULL, NULL, "list keys", err);
	if (rc)
		return rc;
	if (mysql_stmt_bind_result(stmt, out) || mysql_stmt_store_result(stmt))
		return db_fail(db, stmt, "list keys", err);
	for (;;) {
		int f = mysql_stmt_fetch(stmt);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = db_fail(db, stmt, "list keys", err);
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct ts_api_key *grown = realloc(arr, ncap * sizeof(*arr));
			if (!grown) {
				rc = db_no_memory(err);
				break;
			}
			arr = grown;
			cap = ncap;
		}
		k.created_at = db_time_from_mysql(&created);
		k.revoked_at = is_null[4] ? 0 : db_time_from_mysql(&revoked);
		arr[n++] = k;
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	if (rc) {
		free(arr);
		return rc;
	}
	*keys = arr;
	*count = n;
	return TS_OK;
}

enum ts_err ts_db_key_revoke(struct ts_db *db, const char *name, struct ts_error *err)
{
	MYSQL_BIND in[1];
	unsigned long len;
	unsigned long long affected = 0;
	enum ts_err rc;

	db_bind_str(&in[0], name, &len);
	rc = db_stmt_exec(db, STMT_KEY_REVOKE, sql_key_revoke, in, &affected, "revoke key", err);
	if (rc == TS_OK && affected == 0)
		rc = ts_error_set(err, TS_ERR_NOT_FOUND, "not_found", "name",
				  "no active key named '%s'", name);
	return rc;
}
