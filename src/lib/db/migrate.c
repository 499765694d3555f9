/* migrate.c -- applying the numbered SQL migrations of sql/ once each. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_internal.h"
#include "log.h"

#define MIGRATIONS_MAX 1000
#define MIGRATION_FILE_MAX (1 << 20)

struct migration {
	int version;
	char name[256];
};

static const char sql_version_table[] =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version INT NOT NULL PRIMARY KEY,"
	" name VARCHAR(255) NOT NULL,"
	" applied_at DATETIME(6) NOT NULL"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static int compare_migrations(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Lists "NNN_name.sql" files of `dir`, sorted by number. */
static enum ts_err list_migrations(const char *dir, struct migration **out, size_t *count,
				   struct ts_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct migration *list = NULL;
	size_t n = 0;
	enum ts_err rc = TS_OK;

	*out = NULL;
	*count = 0;
	if (!d)
		return ts_error_set(err, TS_ERR_IO, "sql_dir", "sql_dir",
				    "cannot open migrations directory %s: %s", dir, strerror(errno));
	list = calloc(MIGRATIONS_MAX, sizeof(*list));
	if (!list) {
		rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		goto out;
	}
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		size_t len = strlen(nm);
		char *end;
		if (!isdigit((unsigned char)nm[0]) || len < 5 || strcmp(nm + len - 4, ".sql") != 0)
			continue;
		long v = strtol(nm, &end, 10);
		if (*end != '_' || v <= 0 || v > 1000000 || len >= sizeof(list[0].name))
			continue;
		if (n == MIGRATIONS_MAX) {
			rc = ts_error_set(err, TS_ERR_INVALID, "sql_dir", "sql_dir",
					  "too many migrations in %s", dir);
			goto out;
		}
		list[n].version = (int)v;
		snprintf(list[n].name, sizeof(list[n].name), "%s", nm);
		n++;
	}
	qsort(list, n, sizeof(*list), compare_migrations);
	for (size_t i = 1; i < n; i++) {
		if (list[i].version == list[i - 1].version) {
			rc = ts_error_set(err, TS_ERR_INVALID, "sql_dir", "sql_dir",
					  "two migrations numbered %d in %s", list[i].version, dir);
			goto out;
		}
	}
out:
	closedir(d);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*count = n;
	return TS_OK;
}

static enum ts_err read_file(const char *path, char **out, struct ts_error *err)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	*out = NULL;
	if (!f)
		return ts_error_set(err, TS_ERR_IO, "sql_dir", NULL, "cannot open %s: %s",
				    path, strerror(errno));
	buf = malloc(MIGRATION_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	n = fread(buf, 1, MIGRATION_FILE_MAX + 1, f);
	fclose(f);
	if (n > MIGRATION_FILE_MAX) {
		free(buf);
		return ts_error_set(err, TS_ERR_TOO_LARGE, "sql_dir", NULL, "%s is too large", path);
	}
	buf[n] = '\0';
	*out = buf;
	return TS_OK;
}

/* The statement end a "DELIMITER" line may set, such as "//" around a
 * trigger with a BEGIN ... END body. */
#define DELIMITER_MAX 8

/* Reads a "DELIMITER x" line, as the mariadb client does (dbconfig-common
 * feeds the same files to that client on a new install, debian/): 1 when
 * [first, end) is one and delim now holds x, 0 when it is not one, -1 when
 * x is missing or longer than DELIMITER_MAX - 1 bytes. */
static int delimiter_line(const char *first, const char *end, char *delim)
{
	static const char kw[] = "DELIMITER";
	const size_t klen = sizeof(kw) - 1;
	const char *d = first + klen;

	if ((size_t)(end - first) < klen || strncasecmp(first, kw, klen) != 0 ||
	    (d < end && !isspace((unsigned char)*d)))
		return 0;
	while (d < end && isspace((unsigned char)*d))
		d++;
	if (d == end || (size_t)(end - d) >= DELIMITER_MAX)
		return -1;
	memcpy(delim, d, (size_t)(end - d));
	delim[end - d] = '\0';
	return 1;
}

/* Runs each statement of a migration file. Statements end with ";" (or
 * what a "DELIMITER" line set) at the end of a line; lines starting with
 * "--" are comments. */
static enum ts_err run_script(struct ts_db *db, const char *name, char *text,
			      struct ts_error *err)
{
	char delim[DELIMITER_MAX] = ";";
	char *stmt_start = text;
	char *line = text;

	while (*line) {
		char *nl = strchr(line, '\n');
		char *next = nl ? nl + 1 : line + strlen(line);
		char *end = nl ? nl : next;
		while (end > line && isspace((unsigned char)end[-1]))
			end--;
		const char *first = line;
		while (first < end && isspace((unsigned char)*first))
			first++;
		size_t dlen = strlen(delim);
		int dl = delimiter_line(first, end, delim);
		if (dl < 0)
			return ts_error_set(err, TS_ERR_INVALID, "migration", NULL,
					    "%s: DELIMITER needs 1 to %d characters", name,
					    DELIMITER_MAX - 1);
		if (dl > 0 || (end - first >= 2 && first[0] == '-' && first[1] == '-')) {
			/* blank out comments and DELIMITER lines so they do not
			 * reach the server */
			memset(line, ' ', (size_t)(end - line));
		} else if ((size_t)(end - first) >= dlen && memcmp(end - dlen, delim, dlen) == 0) {
			end[-(ptrdiff_t)dlen] = '\0';
			const char *s = stmt_start;
			while (isspace((unsigned char)*s))
				s++;
			if (*s && mysql_real_query(db->conn, s, strlen(s))) {
				ts_log_error("migration %s failed in: %.200s", name, s);
				return db_fail(db, NULL, name, err);
			}
			stmt_start = next;
		}
		line = next;
	}
	for (const char *s = stmt_start; *s; s++) {
		if (!isspace((unsigned char)*s))
			return ts_error_set(err, TS_ERR_INVALID, "migration", NULL,
					    "%s: last statement does not end with '%s'", name, delim);
	}
	return TS_OK;
}

static enum ts_err current_version(struct ts_db *db, int *version, struct ts_error *err)
{
	static const char q[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (mysql_real_query(db->conn, q, sizeof(q) - 1) || !(res = mysql_store_result(db->conn)))
		return db_fail(db, NULL, "read schema version", err);
	row = mysql_fetch_row(res);
	*version = row && row[0] ? atoi(row[0]) : 0;
	mysql_free_result(res);
	return TS_OK;
}

static enum ts_err record_version(struct ts_db *db, const struct migration *m,
				  struct ts_error *err)
{
	static const char q[] =
		"INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP(6))";
	MYSQL_BIND b[2];
	unsigned long len;
	int version = m->version;
	MYSQL_STMT *stmt = mysql_stmt_init(db->conn);
	enum ts_err rc = TS_OK;

	if (!stmt)
		return db_fail(db, NULL, "record version", err);
	db_bind_int(&b[0], &version);
	db_bind_str(&b[1], m->name, &len);
	if (mysql_stmt_prepare(stmt, q, sizeof(q) - 1) || mysql_stmt_bind_param(stmt, b) ||
	    mysql_stmt_execute(stmt))
		rc = db_fail(db, stmt, "record version", err);
	mysql_stmt_close(stmt);
	return rc;
}

enum ts_err ts_db_migrate(struct ts_db *db, const char *sql_dir, int *from, int *to,
			  struct ts_error *err)
{
	struct migration *list = NULL;
	size_t count = 0;
	int version = 0;
	bool locked = false;
	char path[1024];
	enum ts_err rc;

	rc = list_migrations(sql_dir, &list, &count, err);
	if (rc)
		return rc;
	rc = db_connect(db, err);
	if (rc)
		goto out;
	/* Two admins (or two package upgrades) migrating at once wait here. */
	rc = db_exec(db, "DO GET_LOCK('tasksched.migrate', 60)", err);
	if (rc)
		goto out;
	locked = true;
	rc = db_exec(db, sql_version_table, err);
	if (rc == TS_OK)
		rc = current_version(db, &version, err);
	if (rc)
		goto out;
	if (from)
		*from = version;
	for (size_t i = 0; i < count; i++) {
		char *text = NULL;
		if (list[i].version <= version)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sql_dir, list[i].name);
		rc = read_file(path, &text, err);
		if (rc == TS_OK)
			rc = run_script(db, list[i].name, text, err);
		free(text);
		if (rc == TS_OK)
			rc = record_version(db, &list[i], err);
		if (rc)
			goto out;
		ts_log_info("applied migration %s", list[i].name);
		version = list[i].version;
	}
out:
	if (to)
		*to = version;
	if (locked && db->conn)
		db_exec(db, "DO RELEASE_LOCK('tasksched.migrate')", NULL);
	free(list);
	return rc;
}
