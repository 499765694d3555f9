/* test_conf.c -- tasksched.conf reading (src/lib/conf.h), on files written
 * to a private temporary directory. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static char dir[256];

static void make_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/tasksched-conf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	static const char *const names[] = { "tasksched.conf", "password", "amqp-pass", "ca.pem" };
	char path[300];

	/* Only the files this suite writes: a fixed set of names. */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Writes `text` to `name` in the test directory; returns its path. */
static const char *write_file(const char *name, const char *text)
{
	static char path[2][300];
	static int which;
	char *p = path[which++ % 2];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* Loads `text` as a configuration file over the defaults. */
static enum ts_err load_text(const char *text, struct ts_conf *conf, struct ts_error *err)
{
	const char *path = write_file("tasksched.conf", text);

	ts_conf_init(conf);
	ts_error_clear(err);
	return ts_conf_load(conf, path, err);
}

/* `text` must be refused with `code`, naming line `line`. */
static void load_error(const char *text, const char *code, unsigned line)
{
	struct ts_conf conf;
	struct ts_error err;
	char where[64];

	ck_assert_msg(load_text(text, &conf, &err) == TS_ERR_INVALID, "accepted: %s", text);
	ck_assert_str_eq(err.code, code);
	snprintf(where, sizeof(where), "tasksched.conf:%u:", line);
	ck_assert_msg(strstr(err.message, where) != NULL,
		      "message does not name line %u: %s", line, err.message);
}

START_TEST(defaults)
{
	struct ts_conf conf;
	size_t n;

	memset(&conf, 0x5a, sizeof(conf));
	ts_conf_init(&conf);
	ck_assert_str_eq(conf.db_host, "localhost");
	ck_assert_uint_eq(conf.db_port, 3306);
	ck_assert_str_eq(conf.db_socket, "");
	ck_assert_str_eq(conf.db_name, "tasksched");
	ck_assert_str_eq(conf.db_user, "tasksched");
	ck_assert_str_eq(conf.db_password, "");
	ck_assert_str_eq(conf.db_password_file, "");
	ck_assert_uint_gt(conf.db_connect_timeout, 0);
	ck_assert_uint_gt(conf.db_io_timeout, 0);
	ck_assert_int_eq(conf.log_level, TS_LOG_INFO);
	ck_assert_uint_eq(conf.max_body_bytes, 64 * 1024);
	ck_assert_uint_eq(conf.max_batch_body_bytes, 4 * 1024 * 1024);
	ck_assert_uint_eq(conf.retention_days, 14);
	ck_assert_uint_gt(conf.retention_batch_size, 0);
	ck_assert_uint_gt(conf.executor_batch_size, 0);
	ck_assert_uint_gt(conf.executor_concurrency, 0);
	ck_assert_uint_gt(conf.executor_lease_seconds, 0);
	ck_assert_uint_gt(conf.executor_poll_ms, 0);
	ck_assert_uint_gt(conf.webhook_timeout_ms, 0);
	ck_assert_uint_ge(conf.webhook_timeout_max_ms, conf.webhook_timeout_ms);
	ck_assert_uint_gt(conf.retry_base_ms, 0);
	ck_assert_uint_ge(conf.retry_cap_ms, conf.retry_base_ms);
	n = strlen(conf.sql_dir);
	ck_assert_uint_gt(n, 4);
	ck_assert_str_eq(conf.sql_dir + n - 4, "/sql");
}
END_TEST

START_TEST(keys_parsed)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_int_eq(load_text(
		"db_host = db.example.com\n"
		"db_port = 3307\n"
		"db_socket = /run/mysqld/mysqld.sock\n"
		"db_name = ts_prod\n"
		"db_user = ts_user\n"
		"db_password = s3cr3t\n"
		"db_connect_timeout = 5\n"
		"db_io_timeout = 30\n"
		"log_level = debug\n"
		"max_body_bytes = 1048576\n"
		"executor_batch_size = 100\n"
		"executor_concurrency = 8\n"
		"executor_lease_seconds = 60\n"
		"executor_poll_ms = 100\n"
		"webhook_timeout_ms = 5000\n"
		"webhook_timeout_max_ms = 20000\n"
		"retry_base_ms = 500\n"
		"retry_cap_ms = 60000\n"
		"sql_dir = /opt/tasksched/sql\n", &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_host, "db.example.com");
	ck_assert_uint_eq(conf.db_port, 3307);
	ck_assert_str_eq(conf.db_socket, "/run/mysqld/mysqld.sock");
	ck_assert_str_eq(conf.db_name, "ts_prod");
	ck_assert_str_eq(conf.db_user, "ts_user");
	ck_assert_str_eq(conf.db_password, "s3cr3t");
	ck_assert_uint_eq(conf.db_connect_timeout, 5);
	ck_assert_uint_eq(conf.db_io_timeout, 30);
	ck_assert_int_eq(conf.log_level, TS_LOG_DEBUG);
	ck_assert_uint_eq(conf.max_body_bytes, 1048576);
	ck_assert_uint_eq(conf.executor_batch_size, 100);
	ck_assert_uint_eq(conf.executor_concurrency, 8);
	ck_assert_uint_eq(conf.executor_lease_seconds, 60);
	ck_assert_uint_eq(conf.executor_poll_ms, 100);
	ck_assert_uint_eq(conf.webhook_timeout_ms, 5000);
	ck_assert_uint_eq(conf.webhook_timeout_max_ms, 20000);
	ck_assert_uint_eq(conf.retry_base_ms, 500);
	ck_assert_uint_eq(conf.retry_cap_ms, 60000);
	ck_assert_str_eq(conf.sql_dir, "/opt/tasksched/sql");
}
END_TEST

START_TEST(log_levels)
{
	static const struct {
		const char *name;
		enum ts_log_level level;
	} levels[] = {
		{ "error", TS_LOG_ERROR }, { "warning", TS_LOG_WARNING },
		{ "info", TS_LOG_INFO }, { "debug", TS_LOG_DEBUG },
	};
	struct ts_conf conf;
	struct ts_error err;
	char text[64];

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(text, sizeof(text), "log_level = %s\n", levels[i].name);
		ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
		ck_assert_int_eq(conf.log_level, levels[i].level);
	}
	load_error("log_level = verbose\n", "invalid_value", 1);
	load_error("log_level =\n", "invalid_value", 1);
}
END_TEST

START_TEST(comments_and_blanks)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_int_eq(load_text(
		"# a comment\n"
		"\n"
		"   \t \n"
		"   # an indented comment = with an equals sign\n"
		"db_port=3310\n"
		"  db_name   =   spaced   \n"
		"\tdb_user\t=\ttabbed\t\n"
		"db_host = h # trailing comment\n"
		"#db_password = not-read\n"
		"db_socket = /tmp/a b.sock\n"
		"executor_poll_ms = 500", /* no final newline */
		&conf, &err), TS_OK);
	ck_assert_uint_eq(conf.db_port, 3310);
	ck_assert_str_eq(conf.db_name, "spaced");
	ck_assert_str_eq(conf.db_user, "tabbed");
	ck_assert_str_eq(conf.db_host, "h");
	ck_assert_str_eq(conf.db_password, "");
	ck_assert_str_eq(conf.db_socket, "/tmp/a b.sock");
	ck_assert_uint_eq(conf.executor_poll_ms, 500);
	/* Keys the file does not set keep their values. */
	ck_assert_str_eq(conf.db_user, "tabbed");
	ck_assert_uint_eq(conf.max_body_bytes, 64 * 1024);
	ck_assert_int_eq(conf.log_level, TS_LOG_INFO);
}
END_TEST

START_TEST(crlf_lines)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_int_eq(load_text("db_port = 3311\r\ndb_name = n\r\n", &conf, &err), TS_OK);
	ck_assert_uint_eq(conf.db_port, 3311);
	ck_assert_str_eq(conf.db_name, "n");
}
END_TEST

START_TEST(empty_file)
{
	struct ts_conf conf, dflt;
	struct ts_error err;

	ts_conf_init(&dflt);
	ck_assert_int_eq(load_text("", &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_host, dflt.db_host);
	ck_assert_uint_eq(conf.db_port, dflt.db_port);
	ck_assert_uint_eq(conf.max_body_bytes, dflt.max_body_bytes);
}
END_TEST

START_TEST(later_line_wins)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_int_eq(load_text("db_port = 1\ndb_port = 2\n", &conf, &err), TS_OK);
	ck_assert_uint_eq(conf.db_port, 2);
}
END_TEST

START_TEST(unknown_key)
{
	struct ts_conf conf;
	struct ts_error err;

	load_error("db_port = 3306\n# comment\ndb_hots = x\n", "unknown_key", 3);
	ck_assert_int_eq(load_text("\n\n\n\nmax_body = 10\n", &conf, &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "unknown_key");
	ck_assert_ptr_nonnull(strstr(err.message, ":5:"));
	ck_assert_ptr_nonnull(strstr(err.message, "max_body"));
	/* Keys are case-sensitive. */
	load_error("DB_PORT = 3306\n", "unknown_key", 1);
}
END_TEST

START_TEST(malformed_line)
{
	load_error("db_port = 1\njust some words\n", "config_syntax", 2);
	load_error("db_port 3306\n", "config_syntax", 1);
}
END_TEST

START_TEST(numbers_out_of_range)
{
	load_error("db_port = 0\n", "invalid_value", 1);
	load_error("db_port = 65536\n", "invalid_value", 1);
	load_error("# c\ndb_port = -1\n", "invalid_value", 2);
	load_error("db_port = 99999999999999999999999\n", "invalid_value", 1);
	load_error("db_port = abc\n", "invalid_value", 1);
	load_error("db_port = 33o6\n", "invalid_value", 1);
	load_error("db_port = 3306x\n", "invalid_value", 1);
	load_error("db_port = 3.5\n", "invalid_value", 1);
	load_error("db_port =\n", "invalid_value", 1);
	load_error("max_body_bytes = 1023\n", "invalid_value", 1);
	load_error("max_batch_body_bytes = 1023\n", "invalid_value", 1);
	load_error("retention_days = 36501\n", "invalid_value", 1);
	load_error("retention_batch_size = 0\n", "invalid_value", 1);
	load_error("executor_lease_seconds = 4\n", "invalid_value", 1);
	load_error("executor_concurrency = 0\n", "invalid_value", 1);
	load_error("db_connect_timeout = 0\n", "invalid_value", 1);
}
END_TEST

START_TEST(numbers_at_bounds)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_int_eq(load_text("db_port = 1\nmax_body_bytes = 1024\n", &conf, &err), TS_OK);
	ck_assert_uint_eq(conf.db_port, 1);
	ck_assert_uint_eq(conf.max_body_bytes, 1024);
	/* 0 is a real setting: keep finished tasks forever */
	ck_assert_int_eq(load_text("retention_days = 0\n", &conf, &err), TS_OK);
	ck_assert_uint_eq(conf.retention_days, 0);
	ck_assert_int_eq(load_text("db_port = 65535\n", &conf, &err), TS_OK);
	ck_assert_uint_eq(conf.db_port, 65535);
}
END_TEST

START_TEST(string_too_long)
{
	char text[TS_CONF_STR_MAX + 64];
	size_t n = (size_t)snprintf(text, sizeof(text), "db_host = ");

	memset(text + n, 'h', TS_CONF_STR_MAX);
	strcpy(text + n + TS_CONF_STR_MAX, "\n");
	load_error(text, "invalid_value", 1);
}
END_TEST

START_TEST(line_too_long)
{
	/* A line longer than the reader's buffer is an error, not two lines. */
	size_t len = 5000;
	char *text = malloc(len + 64);
	size_t n;

	ck_assert_ptr_nonnull(text);
	n = (size_t)snprintf(text, len + 64, "db_port = 3306\n# ");
	memset(text + n, 'c', len);
	strcpy(text + n + len, "\n");
	load_error(text, "config_syntax", 2);
	free(text);
}
END_TEST

START_TEST(missing_file)
{
	struct ts_conf conf;
	struct ts_error err;
	char path[320];

	snprintf(path, sizeof(path), "%s/does-not-exist.conf", dir);
	ts_conf_init(&conf);
	ts_error_clear(&err);
	ck_assert_int_eq(ts_conf_load(&conf, path, &err), TS_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "does-not-exist.conf"));
}
END_TEST

START_TEST(password_file)
{
	struct ts_conf conf;
	struct ts_error err;
	char text[400];
	const char *pw;

	pw = write_file("password", "p@ss w#rd = x\nsecond line\n");
	snprintf(text, sizeof(text), "db_password_file = %s\n", pw);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_password, "p@ss w#rd = x");

	pw = write_file("password", "crlf\r\n");
	snprintf(text, sizeof(text), "db_password_file = %s\n", pw);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_password, "crlf");

	pw = write_file("password", "no-newline");
	snprintf(text, sizeof(text), "db_password_file = %s\n", pw);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_password, "no-newline");

	/* The order of the lines does not matter. */
	snprintf(text, sizeof(text), "db_password_file = %s\ndb_user = u\n", pw);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_password, "no-newline");
}
END_TEST

START_TEST(password_inline_wins)
{
	struct ts_conf conf;
	struct ts_error err;
	char text[400];

	write_file("password", "from-file\n");
	snprintf(text, sizeof(text), "db_password_file = %s/password\ndb_password = inline\n", dir);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_password, "inline");

	/* Then the file is not even opened. */
	snprintf(text, sizeof(text), "db_password = inline\ndb_password_file = %s/nothing\n", dir);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_password, "inline");
}
END_TEST

START_TEST(password_file_missing)
{
	struct ts_conf conf;
	struct ts_error err;
	char text[400];

	snprintf(text, sizeof(text), "db_password_file = %s/nothing\n", dir);
	ck_assert_int_ne(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(err.field, "db_password_file");
	ck_assert_str_eq(conf.db_password, "");
}
END_TEST

START_TEST(set_directly)
{
	struct ts_conf conf;
	struct ts_error err;

	ts_conf_init(&conf);
	ts_error_clear(&err);
	ck_assert_int_eq(ts_conf_set(&conf, "executor_concurrency", "16", &err), TS_OK);
	ck_assert_uint_eq(conf.executor_concurrency, 16);
	ck_assert_int_eq(ts_conf_set(&conf, "no_such_key", "1", &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "unknown_key");
	ck_assert_str_eq(err.field, "no_such_key");
	ck_assert_int_eq(ts_conf_set(&conf, "executor_concurrency", "0", &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "invalid_value");
	ck_assert_str_eq(err.field, "executor_concurrency");
	ck_assert_uint_eq(conf.executor_concurrency, 16);
}
END_TEST

START_TEST(signature_scheme)
{
	struct ts_conf conf;
	struct ts_error err;

	ts_conf_init(&conf);
	ck_assert_str_eq(conf.webhook_signature_scheme, "tasksched");
	ck_assert_int_eq(load_text("webhook_signature_scheme = both\n"
				   "webhook_signing_secret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw "
				   "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
				   &conf, &err), TS_OK);
	ck_assert_str_eq(conf.webhook_signature_scheme, "both");
	load_error("webhook_signature_scheme = svix\n", "invalid_value", 1);
	/* The standard scheme needs whsec_ secrets, every one of them valid. */
	ck_assert_int_eq(load_text("webhook_signature_scheme = standard\n", &conf, &err),
			 TS_ERR_INVALID);
	ck_assert_str_eq(err.field, "webhook_signing_secret");
	ck_assert_int_eq(load_text("webhook_signature_scheme = standard\n"
				   "webhook_signing_secret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw "
				   "plain-secret\n", &conf, &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.field, "webhook_signing_secret");
	ck_assert_ptr_nonnull(strstr(err.message, "whsec_"));
	/* Our own scheme takes any secret, as before. */
	ck_assert_int_eq(load_text("webhook_signing_secret = plain secret\n", &conf, &err), TS_OK);
}
END_TEST

START_TEST(amqp_brokers)
{
	struct ts_conf conf;
	struct ts_error err;
	char text[600];
	const char *pw = write_file("amqp-pass", "br0ker pass\n");

	snprintf(text, sizeof(text),
		 "amqp_broker.main = amqp://tasksched@mq.example.org:5672/prod\n"
		 "amqp_broker.main.password_file = %s\n"
		 "amqp_broker.backup-2 = amqps://u@mq2.example.org\n", pw);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_uint_eq(conf.amqp_broker_count, 2);
	const struct ts_conf_broker *b = ts_conf_broker(&conf, "main");
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b->url, "amqp://tasksched@mq.example.org:5672/prod");
	ck_assert_str_eq(b->password, "br0ker pass");
	ck_assert_ptr_nonnull(ts_conf_broker(&conf, "backup-2"));
	ck_assert_ptr_null(ts_conf_broker(&conf, "other"));

	load_error("amqp_broker.main = http://mq.example.org\n", "invalid_value", 1);
	load_error("amqp_broker.main = amqp://u:secret@mq.example.org\n", "invalid_value", 1);
	load_error("amqp_broker.bad name = amqp://mq\n", "unknown_key", 1);
	load_error("amqp_broker.main.user = x\n", "unknown_key", 1);
	/* A password file without a URL, and a file that cannot be read. */
	ck_assert_int_eq(load_text("amqp_broker.x.password_file = /nonexistent\n", &conf, &err),
			 TS_ERR_INVALID);
	ck_assert_str_eq(err.field, "amqp_broker.x");
	ck_assert_int_ne(load_text("amqp_broker.x = amqp://h\n"
				   "amqp_broker.x.password_file = /nonexistent/file\n", &conf, &err),
			 TS_OK);
	ck_assert_str_eq(err.field, "amqp_broker.x.password_file");
}
END_TEST

/* A file that looks like a CA bundle (ts_conf_load only checks for a PEM
 * certificate; the TLS library parses it when it connects); its path in
 * a buffer of its own, which later write_file calls leave alone. */
static const char *write_ca(void)
{
	static char path[300];

	return strcpy(path, write_file("ca.pem", "# a private CA\n-----BEGIN CERTIFICATE-----\n"
			  "MIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"));
}

/* `text` must fail to load with an error whose field is `field`. */
static void ca_error(const char *text, const char *field, const char *says)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_msg(load_text(text, &conf, &err) == TS_ERR_INVALID, "accepted: %s", text);
	ck_assert_str_eq(err.field, field);
	ck_assert_msg(strstr(err.message, field) && strstr(err.message, says),
		      "message does not name %s or say '%s': %s", field, says, err.message);
}

/* `head` (a target's lines) and "`key` = `file`" must fail to load with
 * an error naming `key` that says `says`. */
static void ca_refused(const char *head, const char *key, const char *file, const char *says)
{
	char text[900];

	snprintf(text, sizeof(text), "%s%s = %s\n", head, key, file);
	ca_error(text, key, says);
}

/* The same three mistakes, for any target: `tls_head` uses TLS,
 * `plain_head` does not. */
static void ca_mistakes(const char *tls_head, const char *plain_head, const char *key,
			const char *ca)
{
	char missing[320];

	/* The file is read at load: missing, or no certificate in it. */
	snprintf(missing, sizeof(missing), "%s/nothing.pem", dir);
	ca_refused(tls_head, key, missing, "cannot read");
	ca_refused(tls_head, key, write_file("password", "-----BEGIN PRIVATE KEY-----\n"),
		   "no PEM certificate");
	/* A CA file for a target without TLS is a mistake, said at once. */
	ca_refused(plain_head, key, ca, "no TLS");
}

START_TEST(amqp_ca_file)
{
	struct ts_conf conf;
	struct ts_error err;
	char text[900];
	const char *ca = write_ca();

	snprintf(text, sizeof(text),
		 "amqp_broker.private = amqps://u@mq.internal:5671/\n"
		 "amqp_broker.private.ca_file = %s\n"
		 "amqp_broker.public = amqps://u@mq.example.org/\n"
		 "amqp_broker.plain = amqp://u@localhost/\n", ca);
	ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
	ck_assert_str_eq(ts_conf_broker(&conf, "private")->ca_file, ca);
	/* Unset: the system bundle. */
	ck_assert_str_eq(ts_conf_broker(&conf, "public")->ca_file, TS_CONF_SYSTEM_CA);
	ck_assert_str_eq(ts_conf_broker(&conf, "plain")->ca_file, TS_CONF_SYSTEM_CA);
	/* A second file read over the first: the default filled in is no
	 * setting of its own. */
	ck_assert_int_eq(ts_conf_load(&conf, write_file("tasksched.conf", "db_user = u\n"), &err),
			 TS_OK);

	ca_mistakes("amqp_broker.m = amqps://u@h/\n", "amqp_broker.m = amqp://u@h/\n",
		    "amqp_broker.m.ca_file", ca);
	/* Without a URL. */
	snprintf(text, sizeof(text), "amqp_broker.m.ca_file = %s\n", ca);
	ca_error(text, "amqp_broker.m", "is not");
	load_error("amqp_broker.m.ca_files = /x\n", "unknown_key", 1);
}
END_TEST

START_TEST(smtp_ca_file)
{
	static const char *const tls_heads[] = {
		"smtp_url = smtp://relay.internal:587\nsmtp_starttls = required\n",
		"smtp_url = smtps://relay.internal\n",
		"smtp_url = smtp://relay.internal\nsmtp_starttls = try\n",
	};
	struct ts_conf conf;
	struct ts_error err;
	char text[900];
	const char *ca = write_ca();

	ck_assert_int_eq(load_text("", &conf, &err), TS_OK);
	ck_assert_str_eq(conf.smtp_ca_file, TS_CONF_SYSTEM_CA);
	for (size_t i = 0; i < sizeof(tls_heads) / sizeof(tls_heads[0]); i++) {
		snprintf(text, sizeof(text), "%ssmtp_from = s@example.org\nsmtp_ca_file = %s\n",
			 tls_heads[i], ca);
		ck_assert_int_eq(load_text(text, &conf, &err), TS_OK);
		ck_assert_str_eq(conf.smtp_ca_file, ca);
	}
	ca_mistakes("smtp_url = smtps://relay\nsmtp_from = s@example.org\n",
		    "smtp_url = smtp://localhost\nsmtp_from = s@example.org\n", "smtp_ca_file", ca);
	/* No relay at all. */
	ca_refused("", "smtp_ca_file", ca, "no TLS");
}
END_TEST

START_TEST(choose_path)
{
	unsetenv("TASKSCHED_CONFIG");
	ck_assert_str_eq(ts_conf_choose_path(NULL), TS_CONF_DEFAULT_PATH);
	ck_assert_str_eq(ts_conf_choose_path(""), TS_CONF_DEFAULT_PATH);
	ck_assert_str_eq(ts_conf_choose_path("/cli.conf"), "/cli.conf");
	setenv("TASKSCHED_CONFIG", "/env.conf", 1);
	ck_assert_str_eq(ts_conf_choose_path(NULL), "/env.conf");
	ck_assert_str_eq(ts_conf_choose_path("/cli.conf"), "/cli.conf");
	setenv("TASKSCHED_CONFIG", "", 1);
	ck_assert_str_eq(ts_conf_choose_path(NULL), TS_CONF_DEFAULT_PATH);
	unsetenv("TASKSCHED_CONFIG");
	/* The installed default lives under sysconfdir. */
	const char *d = TS_CONF_DEFAULT_PATH;
	size_t n = strlen(d);
	ck_assert_uint_gt(n, 25);
	ck_assert_str_eq(d + n - 25, "/tasksched/tasksched.conf");
}
END_TEST

/* Parses `list` with default port 3306, expecting `n` hosts. */
static void hosts_ok(const char *list, size_t n, struct ts_conf_host *hosts)
{
	struct ts_error err;
	size_t count = 99;

	ts_error_clear(&err);
	ck_assert_msg(ts_conf_hosts_parse(list, 3306, hosts, &count, &err) == TS_OK,
		      "'%s': %s", list, err.message);
	ck_assert_uint_eq(count, n);
}

START_TEST(host_list_single_forms)
{
	struct ts_conf_host h[TS_CONF_HOSTS_MAX];

	hosts_ok("db.example.com", 1, h);
	ck_assert_str_eq(h[0].name, "db.example.com");
	ck_assert_uint_eq(h[0].port, 3306);
	hosts_ok("  localhost ", 1, h);
	ck_assert_str_eq(h[0].name, "localhost");
	hosts_ok("10.0.0.1:3307", 1, h);
	ck_assert_str_eq(h[0].name, "10.0.0.1");
	ck_assert_uint_eq(h[0].port, 3307);
	hosts_ok("::1", 1, h);
	ck_assert_str_eq(h[0].name, "::1");
	ck_assert_uint_eq(h[0].port, 3306);
	hosts_ok("[fe80::1]:3310", 1, h);
	ck_assert_str_eq(h[0].name, "fe80::1");
	ck_assert_uint_eq(h[0].port, 3310);
	hosts_ok("[::1]", 1, h);
	ck_assert_str_eq(h[0].name, "::1");
	ck_assert_uint_eq(h[0].port, 3306);
	/* Blank keeps meaning the client library's default. */
	hosts_ok("", 1, h);
	ck_assert_str_eq(h[0].name, "");
}
END_TEST

START_TEST(host_list_several)
{
	struct ts_conf_host h[TS_CONF_HOSTS_MAX];
	struct ts_error err;
	size_t n;

	hosts_ok("10.213.0.11:3306, 10.213.0.12 ,[fd00::3]:4406,db4", 4, h);
	ck_assert_str_eq(h[0].name, "10.213.0.11");
	ck_assert_uint_eq(h[0].port, 3306);
	ck_assert_str_eq(h[1].name, "10.213.0.12");
	ck_assert_uint_eq(h[1].port, 3306);
	ck_assert_str_eq(h[2].name, "fd00::3");
	ck_assert_uint_eq(h[2].port, 4406);
	ck_assert_str_eq(h[3].name, "db4");
	/* Entries without a port take db_port, wherever it is set. */
	ck_assert_int_eq(ts_conf_hosts_parse("a,b:1", 3399, h, &n, &err), TS_OK);
	ck_assert_uint_eq(h[0].port, 3399);
	ck_assert_uint_eq(h[1].port, 1);
}
END_TEST

START_TEST(host_list_rejected)
{
	static const char *const bad[] = {
		"a,", ",a", "a,,b", "a, ,b", "a:", "a:0", "a:65536", "a:33x", "a:-1",
		":3306", "[::1", "[]:3306", "[::1]x", "[::1]:", "a:99999999999999999999",
	};
	struct ts_conf_host h[TS_CONF_HOSTS_MAX];
	struct ts_error err;
	char many[200] = "";
	char name[300];
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ts_error_clear(&err);
		ck_assert_msg(ts_conf_hosts_parse(bad[i], 3306, h, &n, &err) == TS_ERR_INVALID,
			      "'%s' accepted", bad[i]);
		ck_assert_str_eq(err.field, "db_host");
		ck_assert_uint_eq(n, 0);
	}
	for (int i = 0; i <= TS_CONF_HOSTS_MAX; i++)
		strcat(many, i ? ",h" : "h");
	ck_assert_int_eq(ts_conf_hosts_parse(many, 3306, h, &n, &err), TS_ERR_INVALID);
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(ts_conf_hosts_parse(name, 3306, h, &n, &err), TS_ERR_INVALID);
}
END_TEST

START_TEST(host_list_in_file)
{
	struct ts_conf conf;
	struct ts_error err;

	ck_assert_int_eq(load_text("db_host = n1:3306,n2:3306,n3:3306\n", &conf, &err), TS_OK);
	ck_assert_str_eq(conf.db_host, "n1:3306,n2:3306,n3:3306");
	load_error("db_name = x\ndb_host = n1,,n2\n", "invalid_value", 2);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, keys_parsed);
	tcase_add_test(tc, log_levels);
	tcase_add_test(tc, comments_and_blanks);
	tcase_add_test(tc, crlf_lines);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, later_line_wins);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, malformed_line);
	tcase_add_test(tc, numbers_out_of_range);
	tcase_add_test(tc, numbers_at_bounds);
	tcase_add_test(tc, string_too_long);
	tcase_add_test(tc, line_too_long);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, password_file);
	tcase_add_test(tc, password_inline_wins);
	tcase_add_test(tc, password_file_missing);
	tcase_add_test(tc, set_directly);
	tcase_add_test(tc, signature_scheme);
	tcase_add_test(tc, amqp_brokers);
	tcase_add_test(tc, amqp_ca_file);
	tcase_add_test(tc, smtp_ca_file);
	tcase_add_test(tc, choose_path);
	tcase_add_test(tc, host_list_single_forms);
	tcase_add_test(tc, host_list_several);
	tcase_add_test(tc, host_list_rejected);
	tcase_add_test(tc, host_list_in_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
