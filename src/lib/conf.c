/* conf.c -- tasksched.conf: "key = value" settings shared by all programs. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

enum conf_kind { CONF_STR, CONF_HOSTS, CONF_UINT, CONF_ULONG, CONF_LOG_LEVEL, CONF_AUTH };

/* The table of keys: where each one lives in struct ts_conf and its range. */
static const struct conf_key {
	const char *name;
	enum conf_kind kind;
	size_t offset;
	unsigned long min, max;
} conf_keys[] = {
#define STR(k) { #k, CONF_STR, offsetof(struct ts_conf, k), 0, 0 }
#define UINT(k, lo, hi) { #k, CONF_UINT, offsetof(struct ts_conf, k), lo, hi }
	{ "db_host", CONF_HOSTS, offsetof(struct ts_conf, db_host), 0, 0 },
	UINT(db_port, 1, 65535),
	STR(db_socket),
	STR(db_name),
	STR(db_user),
	STR(db_password),
	STR(db_password_file),
	UINT(db_connect_timeout, 1, 3600),
	UINT(db_io_timeout, 1, 3600),
	{ "log_level", CONF_LOG_LEVEL, offsetof(struct ts_conf, log_level), 0, 0 },
	{ "max_body_bytes", CONF_ULONG, offsetof(struct ts_conf, max_body_bytes), 1024, 64UL << 20 },
	{ "max_batch_body_bytes", CONF_ULONG, offsetof(struct ts_conf, max_batch_body_bytes),
	  1024, 256UL << 20 },
	UINT(executor_batch_size, 1, 10000),
	UINT(executor_concurrency, 1, 10000),
	UINT(executor_lease_seconds, 5, 86400),
	UINT(executor_poll_ms, 10, 60000),
	UINT(webhook_timeout_ms, 100, 3600000),
	UINT(webhook_timeout_max_ms, 100, 3600000),
	UINT(retry_base_ms, 1, 3600000),
	UINT(retry_cap_ms, 1, 86400000),
	UINT(retention_days, 0, 36500),
	UINT(retention_batch_size, 1, 10000),
	STR(sql_dir),
	STR(webhook_allow),
	STR(webhook_signing_secret),
	STR(webhook_signing_secret_file),
	{ "auth", CONF_AUTH, offsetof(struct ts_conf, auth), 0, 0 },
	STR(metrics_allow),
#undef STR
#undef UINT
};

void ts_conf_init(struct ts_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	snprintf(conf->db_host, sizeof(conf->db_host), "localhost");
	conf->db_port = 3306;
	snprintf(conf->db_name, sizeof(conf->db_name), "tasksched");
	snprintf(conf->db_user, sizeof(conf->db_user), "tasksched");
	conf->db_connect_timeout = 2;
	conf->db_io_timeout = 10;
	conf->log_level = TS_LOG_INFO;
	conf->max_body_bytes = 64 * 1024;
	conf->max_batch_body_bytes = 4UL << 20;
	conf->executor_batch_size = 500;
	conf->executor_concurrency = 64;
	conf->executor_lease_seconds = 300;
	conf->executor_poll_ms = 250;
	conf->webhook_timeout_ms = 10000;
	conf->webhook_timeout_max_ms = 60000;
	conf->retry_base_ms = 1000;
	conf->retry_cap_ms = 300000;
	conf->retention_days = 14;
	conf->retention_batch_size = 500;
	snprintf(conf->sql_dir, sizeof(conf->sql_dir), "%s/sql", TS_PKGDATADIR);
	snprintf(conf->auth, sizeof(conf->auth), "required");
	snprintf(conf->metrics_allow, sizeof(conf->metrics_allow), "127.0.0.0/8, ::1");
}

const char *ts_conf_choose_path(const char *cli_path)
{
	const char *env;

	if (cli_path && *cli_path)
		return cli_path;
	env = getenv("TASKSCHED_CONFIG");
	if (env && *env)
		return env;
	return TS_CONF_DEFAULT_PATH;
}

enum ts_err ts_conf_set(struct ts_conf *conf, const char *key, const char *value,
			struct ts_error *err)
{
	const struct conf_key *k = NULL;

	for (size_t i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		if (strcmp(conf_keys[i].name, key) == 0) {
			k = &conf_keys[i];
			break;
		}
	}
	if (!k)
		return ts_error_set(err, TS_ERR_INVALID, "unknown_key", key,
				    "unknown key '%s'", key);

	char *field = (char *)conf + k->offset;
	if (k->kind == CONF_HOSTS) {
		struct ts_conf_host hosts[TS_CONF_HOSTS_MAX];
		size_t n;
		/* Checked now so a bad entry names its line; kept as written. */
		enum ts_err rc = ts_conf_hosts_parse(value, 3306, hosts, &n, err);
		if (rc != TS_OK)
			return rc;
	}
	switch (k->kind) {
	case CONF_HOSTS:
	case CONF_STR:
		if (strlen(value) >= TS_CONF_STR_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "value of '%s' is too long", key);
		snprintf(field, TS_CONF_STR_MAX, "%s", value);
		return TS_OK;
	case CONF_AUTH:
		if (strcmp(value, "required") != 0 && strcmp(value, "loopback-off") != 0)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "'%s' must be required or loopback-off", key);
		snprintf(field, sizeof(((struct ts_conf *)0)->auth), "%s", value);
		return TS_OK;
	case CONF_LOG_LEVEL:
		if (ts_log_level_parse(value, (enum ts_log_level *)(void *)field) != 0)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "'%s' must be error, warning, info or debug", key);
		return TS_OK;
	case CONF_UINT:
	case CONF_ULONG: {
		char *end;
		errno = 0;
		unsigned long v = strtoul(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end || errno ||
		    v < k->min || v > k->max)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "'%s' must be a whole number from %lu to %lu",
					    key, k->min, k->max);
		if (k->kind == CONF_UINT)
			*(unsigned *)(void *)field = (unsigned)v;
		else
			*(unsigned long *)(void *)field = v;
		return TS_OK;
	}
	}
	return ts_error_set(err, TS_ERR_INTERNAL, "internal", key, "bad key table");
}

enum ts_err ts_conf_start(const char *ident, const char *cli_path, struct ts_conf *conf,
			  const char **path, struct ts_error *err)
{
	enum ts_err rc;

	ts_log_init(ident, TS_LOG_INFO);
	ts_conf_init(conf);
	ts_error_clear(err);
	*path = ts_conf_choose_path(cli_path);
	rc = ts_conf_load(conf, *path, err);
	if (rc == TS_OK)
		ts_log_set_level(conf->log_level);
	return rc;
}

/* Parses one db_host entry `s` (trimmed, `len` bytes, not terminated). */
static enum ts_err host_entry_parse(const char *s, size_t len, unsigned default_port,
				    struct ts_conf_host *host, struct ts_error *err)
{
	const char *name = s, *port = NULL, *colon = memchr(s, ':', len);
	size_t name_len = len;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close || close == s + 1 ||
		    (close + 1 < s + len && close[1] != ':'))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "db_host",
					    "db_host: '%.*s' is not [address] or [address]:port",
					    (int)len, s);
		name = s + 1;
		name_len = (size_t)(close - name);
		if (close + 1 < s + len)
			port = close + 2;
	} else if (colon && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - s))) {
		name_len = (size_t)(colon - s);
		port = colon + 1;
	}
	if (name_len == 0 || name_len >= sizeof(host->name))
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "db_host",
				    "db_host: entry '%.*s' needs a host name of 1 to %zu bytes",
				    (int)len, s, sizeof(host->name) - 1);
	memcpy(host->name, name, name_len);
	host->name[name_len] = '\0';
	host->port = default_port;
	if (port) {
		unsigned long v = 0;
		const char *p = port;
		while (p < s + len && isdigit((unsigned char)*p) && v <= 65535)
			v = v * 10 + (unsigned long)(*p++ - '0');
		if (p == port || p != s + len || v < 1 || v > 65535)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "db_host",
					    "db_host: the port of '%.*s' must be from 1 to 65535",
					    (int)len, s);
		host->port = (unsigned)v;
	}
	return TS_OK;
}

enum ts_err ts_conf_hosts_parse(const char *db_host, unsigned default_port,
				struct ts_conf_host *hosts, size_t *count,
				struct ts_error *err)
{
	const char *p = db_host;

	*count = 0;
	if (!db_host[strspn(db_host, " \t")]) {
		/* Empty, as before lists: the client library's default, localhost. */
		hosts[0].name[0] = '\0';
		hosts[0].port = default_port;
		*count = 1;
		return TS_OK;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *end = p + len;
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (*count == TS_CONF_HOSTS_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "db_host",
					    "db_host: more than %d hosts", TS_CONF_HOSTS_MAX);
		enum ts_err rc = host_entry_parse(p, (size_t)(end - p), default_port,
						  &hosts[*count], err);
		if (rc != TS_OK) {
			*count = 0;
			return rc;
		}
		(*count)++;
		p += strcspn(p, ",");
		if (!*p)
			return TS_OK;
		p++;
	}
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Reads the first line of the file named by setting `key` (at `path`)
 * into `out`: secrets live in files only the service user can read. */
static enum ts_err read_secret_file(const char *key, const char *path, char *out,
				    size_t size, struct ts_error *err)
{
	FILE *f = fopen(path, "r");
	enum ts_err rc = TS_OK;

	if (!f)
		return ts_error_set(err, TS_ERR_IO, "secret_file", key,
				    "cannot read %s %s: %s", key, path, strerror(errno));
	if (!fgets(out, (int)size, f)) {
		out[0] = '\0';
	} else {
		size_t n = strcspn(out, "\r\n");
		out[n] = '\0';
	}
	if (ferror(f))
		rc = ts_error_set(err, TS_ERR_IO, "secret_file", key, "error reading %s %s",
				  key, path);
	fclose(f);
	return rc;
}

enum ts_err ts_conf_load(struct ts_conf *conf, const char *path, struct ts_error *err)
{
	char line[TS_CONF_STR_MAX + 1024];
	unsigned lineno = 0;
	enum ts_err rc = TS_OK;
	FILE *f = fopen(path, "r");

	if (!f)
		return ts_error_set(err, errno == ENOENT ? TS_ERR_NOT_FOUND : TS_ERR_IO,
				    "config_file", NULL, "cannot open %s: %s", path,
				    strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = ts_error_set(err, TS_ERR_INVALID, "config_syntax", NULL,
					  "%s:%u: line too long", path, lineno);
			goto out;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = ts_error_set(err, TS_ERR_INVALID, "config_syntax", NULL,
					  "%s:%u: expected 'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		char *key = trim(s);
		char *value = trim(eq + 1);
		struct ts_error kerr;
		ts_error_clear(&kerr);
		if (ts_conf_set(conf, key, value, &kerr) != TS_OK) {
			rc = ts_error_set(err, kerr.status, kerr.code, kerr.field,
					  "%s:%u: %s", path, lineno, kerr.message);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = ts_error_set(err, TS_ERR_IO, "config_file", NULL, "error reading %s", path);
		goto out;
	}
	if (!conf->db_password[0] && conf->db_password_file[0])
		rc = read_secret_file("db_password_file", conf->db_password_file,
				      conf->db_password, sizeof(conf->db_password), err);
	if (rc == TS_OK && !conf->webhook_signing_secret[0] && conf->webhook_signing_secret_file[0])
		rc = read_secret_file("webhook_signing_secret_file",
				      conf->webhook_signing_secret_file,
				      conf->webhook_signing_secret,
				      sizeof(conf->webhook_signing_secret), err);
out:
	fclose(f);
	return rc;
}
