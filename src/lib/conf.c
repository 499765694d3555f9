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
#include "mail.h"
#include "sign.h"

enum conf_kind { CONF_STR, CONF_HOSTS, CONF_UINT, CONF_ULONG, CONF_LOG_LEVEL, CONF_AUTH, CONF_CHOICE };

/* The table of keys: where each one lives in struct ts_conf and its range. */
static const struct conf_key {
	const char *name;
	enum conf_kind kind;
	size_t offset;
	unsigned long min, max;       /* CONF_CHOICE: max is the field's size */
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
	{ "webhook_signature_scheme", CONF_CHOICE, offsetof(struct ts_conf, webhook_signature_scheme),
	  0, sizeof(((struct ts_conf *)0)->webhook_signature_scheme) },
	STR(smtp_url),
	STR(smtp_from),
	{ "smtp_starttls", CONF_CHOICE, offsetof(struct ts_conf, smtp_starttls),
	  0, sizeof(((struct ts_conf *)0)->smtp_starttls) },
	STR(smtp_ca_file),
	UINT(email_max_recipients, 1, 1000),
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
	snprintf(conf->webhook_signature_scheme, sizeof(conf->webhook_signature_scheme),
		 "tasksched");
	snprintf(conf->smtp_starttls, sizeof(conf->smtp_starttls), "off");
	conf->email_max_recipients = 10;
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

/* The values each CONF_CHOICE key allows, NULL-terminated. */
static const struct {
	const char *key;
	const char *values[4];
} conf_choices[] = {
	{ "webhook_signature_scheme", { "tasksched", "standard", "both", NULL } },
	{ "smtp_starttls", { "off", "try", "required", NULL } },
};

/* A value out of a fixed list (conf_choices). */
static enum ts_err set_choice(const struct conf_key *k, char *field, const char *value,
			      struct ts_error *err)
{
	const char *const *values = NULL;
	char allowed[128] = "";
	size_t used = 0;

	for (size_t i = 0; i < sizeof(conf_choices) / sizeof(conf_choices[0]); i++) {
		if (strcmp(conf_choices[i].key, k->name) == 0)
			values = conf_choices[i].values;
	}
	for (const char *const *c = values; c && *c; c++) {
		if (strcmp(*c, value) == 0) {
			snprintf(field, k->max, "%s", value);
			return TS_OK;
		}
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
					 c == values ? "" : ", ", *c);
		if (used >= sizeof(allowed))
			used = sizeof(allowed) - 1;
	}
	return ts_error_set(err, TS_ERR_INVALID, "invalid_value", k->name,
			    "'%s' must be one of: %s", k->name, allowed);
}

const struct ts_conf_broker *ts_conf_broker(const struct ts_conf *conf, const char *name)
{
	for (unsigned i = 0; i < conf->amqp_broker_count; i++) {
		if (strcmp(conf->amqp_brokers[i].name, name) == 0)
			return &conf->amqp_brokers[i];
	}
	return NULL;
}

/* "amqp_broker.<name>" (the URL), "amqp_broker.<name>.password_file" or
 * "amqp_broker.<name>.ca_file"; `rest` is what follows "amqp_broker.". */
static enum ts_err set_broker(struct ts_conf *conf, const char *key, const char *rest,
			      const char *value, struct ts_error *err)
{
	size_t n = strspn(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	bool is_file = strcmp(rest + n, ".password_file") == 0;
	bool is_ca = strcmp(rest + n, ".ca_file") == 0;
	struct ts_conf_broker *b = NULL;

	if (n == 0 || n >= TS_CONF_BROKER_NAME_MAX || (rest[n] && !is_file && !is_ca))
		return ts_error_set(err, TS_ERR_INVALID, "unknown_key", key,
				    "unknown key '%s' (amqp_broker.<name>, "
				    "amqp_broker.<name>.password_file or amqp_broker.<name>.ca_file; "
				    "names are letters, digits, '_' and '-')", key);
	if (strlen(value) >= TS_CONF_STR_MAX)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
				    "value of '%s' is too long", key);
	for (unsigned i = 0; i < conf->amqp_broker_count && !b; i++) {
		if (strlen(conf->amqp_brokers[i].name) == n &&
		    strncmp(conf->amqp_brokers[i].name, rest, n) == 0)
			b = &conf->amqp_brokers[i];
	}
	if (!b) {
		if (conf->amqp_broker_count == TS_CONF_BROKERS_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "more than %d brokers", TS_CONF_BROKERS_MAX);
		b = &conf->amqp_brokers[conf->amqp_broker_count++];
		memcpy(b->name, rest, n);
		b->name[n] = '\0';
	}
	if (is_file || is_ca) {
		snprintf(is_ca ? b->ca_file : b->password_file, TS_CONF_STR_MAX, "%s", value);
		return TS_OK;
	}
	if (strncmp(value, "amqp://", 7) != 0 && strncmp(value, "amqps://", 8) != 0)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
				    "'%s' must be an amqp:// or amqps:// URL", key);
	if (strchr(value + 7, ':') && strchr(value, '@') &&
	    strchr(value + 7, ':') < strchr(value, '@'))
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
				    "'%s' must not hold the password: put it in %s.password_file",
				    key, key);
	snprintf(b->url, sizeof(b->url), "%s", value);
	return TS_OK;
}

enum ts_err ts_conf_set(struct ts_conf *conf, const char *key, const char *value,
			struct ts_error *err)
{
	const struct conf_key *k = NULL;

	if (strncmp(key, "amqp_broker.", 12) == 0)
		return set_broker(conf, key, key + 12, value, err);

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
	case CONF_CHOICE:
		return set_choice(k, field, value, err);
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

/* With the Standard Webhooks scheme the signing secret is one or more
 * "whsec_<base64>" secrets separated by white space (several while one is
 * being rotated): each must decode. */
static enum ts_err check_standard_secrets(const struct ts_conf *conf, struct ts_error *err)
{
	const char *p = conf->webhook_signing_secret;
	struct ts_sign_key key;
	struct ts_error kerr;

	if (strcmp(conf->webhook_signature_scheme, "tasksched") == 0)
		return TS_OK;
	if (!*p)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "webhook_signing_secret",
				    "webhook_signature_scheme = %s needs a webhook_signing_secret "
				    "(or _file) of the form whsec_<base64>",
				    conf->webhook_signature_scheme);
	while (*(p += strspn(p, " \t"))) {
		size_t n = strcspn(p, " \t");
		ts_error_clear(&kerr);
		if (ts_sign_standard_key(p, n, &key, &kerr) != TS_OK)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value",
					    "webhook_signing_secret", "webhook_signing_secret: %s",
					    kerr.message);
		p += n;
	}
	return TS_OK;
}

/* Reads the CA file `path` that setting `key` names, once, at load: it
 * must be readable and hold a PEM certificate, so that a wrong path is
 * an error when the program starts, not at each TLS connection. */
static enum ts_err check_ca_file(const char *key, const char *path, struct ts_error *err)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	char line[256];
	bool found = false;
	enum ts_err rc = TS_OK;
	FILE *f = fopen(path, "r");

	if (!f)
		return ts_error_set(err, TS_ERR_INVALID, "ca_file", key, "cannot read %s %s: %s",
				    key, path, strerror(errno));
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, begin, sizeof(begin) - 1) == 0;
	if (ferror(f))
		rc = ts_error_set(err, TS_ERR_INVALID, "ca_file", key, "error reading %s %s: %s",
				  key, path, strerror(errno));
	else if (!found)
		rc = ts_error_set(err, TS_ERR_INVALID, "ca_file", key,
				  "%s %s holds no PEM certificate (%s)", key, path, begin);
	fclose(f);
	return rc;
}

/* The CA file `ca_file` of a target that uses TLS when `tls` (checked,
 * or the system bundle when unset); of one that does not, an error. The
 * system bundle counts as unset, so that a second load over the result
 * of a first one (which filled it in) is no error. */
static enum ts_err settle_ca_file(const char *key, char *ca_file, bool tls, const char *why,
				  struct ts_error *err)
{
	if (!ca_file[0] || strcmp(ca_file, TS_CONF_SYSTEM_CA) == 0) {
		snprintf(ca_file, TS_CONF_STR_MAX, "%s", TS_CONF_SYSTEM_CA);
		return TS_OK;
	}
	if (!tls)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
				    "%s is set but %s", key, why);
	return check_ca_file(key, ca_file, err);
}

/* Each broker has a URL, its password comes from its file, and its CA
 * file is checked when the URL is amqps://. */
static enum ts_err load_brokers(struct ts_conf *conf, struct ts_error *err)
{
	for (unsigned i = 0; i < conf->amqp_broker_count; i++) {
		struct ts_conf_broker *b = &conf->amqp_brokers[i];
		char key[TS_CONF_BROKER_NAME_MAX + 32];
		enum ts_err rc;
		snprintf(key, sizeof(key), "amqp_broker.%s", b->name);
		if (!b->url[0])
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "%s.password_file or %s.ca_file is set but %s is not",
					    key, key, key);
		snprintf(key, sizeof(key), "amqp_broker.%s.ca_file", b->name);
		rc = settle_ca_file(key, b->ca_file, strncmp(b->url, "amqps://", 8) == 0,
				    "the broker's URL is amqp:// (no TLS)", err);
		if (rc != TS_OK)
			return rc;
		if (!b->password_file[0])
			continue;
		snprintf(key, sizeof(key), "amqp_broker.%s.password_file", b->name);
		rc = read_secret_file(key, b->password_file, b->password, sizeof(b->password), err);
		if (rc != TS_OK)
			return rc;
	}
	return TS_OK;
}

/* Mail needs a relay URL and a sender that is a mailbox; its CA file
 * matters when TLS is used (smtps://, or STARTTLS). */
static enum ts_err check_smtp(struct ts_conf *conf, struct ts_error *err)
{
	bool tls = strncmp(conf->smtp_url, "smtps://", 8) == 0 ||
		   (conf->smtp_url[0] && strcmp(conf->smtp_starttls, "off") != 0);
	enum ts_err rc = settle_ca_file("smtp_ca_file", conf->smtp_ca_file, tls,
					"no TLS is used (no smtp_url, or smtp:// with "
					"smtp_starttls = off)", err);

	if (rc != TS_OK || !conf->smtp_url[0])
		return rc;
	if (strncmp(conf->smtp_url, "smtp://", 7) != 0 && strncmp(conf->smtp_url, "smtps://", 8) != 0)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "smtp_url",
				    "smtp_url must start with smtp:// or smtps://");
	if (!ts_mail_address_valid(conf->smtp_from))
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "smtp_from",
				    "smtp_url needs smtp_from, the sender's address "
				    "(local-part@domain)");
	return TS_OK;
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
	if (rc == TS_OK)
		rc = check_standard_secrets(conf, err);
	if (rc == TS_OK)
		rc = check_smtp(conf, err);
	if (rc == TS_OK)
		rc = load_brokers(conf, err);
out:
	fclose(f);
	return rc;
}
