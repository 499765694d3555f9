/* conf.h -- tasksched.conf: "key = value" settings shared by all programs. */
#ifndef TS_CONF_H
#define TS_CONF_H

#include "errors.h"
#include "log.h"

#define TS_CONF_DEFAULT_PATH TS_SYSCONFDIR "/tasksched/tasksched.conf"
#define TS_CONF_STR_MAX 2048

/* The CA certificates TLS connections trust unless a *ca_file key names
 * other ones: Debian's system bundle. */
#define TS_CONF_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

/* AMQP brokers named in the configuration: "amqp_broker.<name> = URL",
 * "amqp_broker.<name>.password_file = FILE" and, for amqps://,
 * "amqp_broker.<name>.ca_file = FILE". */
#define TS_CONF_BROKERS_MAX 8
#define TS_CONF_BROKER_NAME_MAX 64
struct ts_conf_broker {
	char name[TS_CONF_BROKER_NAME_MAX];
	char url[TS_CONF_STR_MAX];            /* amqp://user@host:port/vhost or amqps:// */
	char password_file[TS_CONF_STR_MAX];
	char password[256];                   /* read from password_file at load */
	char ca_file[TS_CONF_STR_MAX];        /* PEM CAs for amqps://; after load never "" */
};

/* Every setting, with its default filled in by ts_conf_init(). */
struct ts_conf {
	/* database */
	char db_host[TS_CONF_STR_MAX];     /* host[:port], comma-separated */
	unsigned db_port;
	char db_socket[TS_CONF_STR_MAX];
	char db_name[TS_CONF_STR_MAX];
	char db_user[TS_CONF_STR_MAX];
	char db_password[TS_CONF_STR_MAX];
	char db_password_file[TS_CONF_STR_MAX];
	unsigned db_connect_timeout; /* seconds */
	unsigned db_io_timeout;      /* seconds */

	enum ts_log_level log_level;

	/* API */
	unsigned long max_body_bytes;
	unsigned long max_batch_body_bytes;   /* POST /tasks/batch */

	/* executor */
	unsigned executor_batch_size;
	unsigned executor_concurrency;
	unsigned executor_lease_seconds;
	unsigned executor_poll_ms;
	unsigned webhook_timeout_ms;
	unsigned webhook_timeout_max_ms;
	unsigned retry_base_ms;
	unsigned retry_cap_ms;

	/* retention */
	unsigned retention_days;         /* 0: keep finished tasks forever */
	unsigned retention_batch_size;   /* rows per pruning transaction */

	char sql_dir[TS_CONF_STR_MAX];

	/* security */
	char webhook_allow[TS_CONF_STR_MAX];          /* CIDRs and host names */
	char webhook_signing_secret[TS_CONF_STR_MAX];
	char webhook_signing_secret_file[TS_CONF_STR_MAX];
	char webhook_signature_scheme[16];            /* "tasksched", "standard" or "both" */

	/* email */
	char smtp_url[TS_CONF_STR_MAX];               /* "" when mail is not configured */
	char smtp_from[TS_CONF_STR_MAX];
	char smtp_starttls[16];                       /* "off", "try" or "required" */
	char smtp_ca_file[TS_CONF_STR_MAX];           /* PEM CAs; after load never "" */
	unsigned email_max_recipients;

	/* amqp */
	struct ts_conf_broker amqp_brokers[TS_CONF_BROKERS_MAX];
	unsigned amqp_broker_count;
	char auth[16];                                /* "required" or "loopback-off" */
	char metrics_allow[TS_CONF_STR_MAX];          /* CIDRs that may read /metrics */
};

/* One database server of db_host. */
#define TS_CONF_HOSTS_MAX 16
#define TS_CONF_HOST_NAME_MAX 256
struct ts_conf_host {
	char name[TS_CONF_HOST_NAME_MAX]; /* host name or address, without brackets */
	unsigned port;
};

/* Splits `db_host`, a comma-separated list of host, host:port, [ipv6] or
 * [ipv6]:port entries (blanks around each ignored; an address with more
 * than one colon and no brackets is an IPv6 address without a port), into
 * hosts[0..*count) (caller-owned, room for TS_CONF_HOSTS_MAX). Entries
 * without a port take `default_port`. An empty entry, a bad port, a name
 * longer than TS_CONF_HOST_NAME_MAX - 1 or more than TS_CONF_HOSTS_MAX
 * entries is TS_ERR_INVALID naming db_host. A blank `db_host` is one
 * host with an empty name: the client library's default (localhost). */
enum ts_err ts_conf_hosts_parse(const char *db_host, unsigned default_port,
				struct ts_conf_host *hosts, size_t *count,
				struct ts_error *err);

/* Fills `conf` (caller-owned) with the defaults. */
void ts_conf_init(struct ts_conf *conf);

/* Reads the file at `path` over the current values. Unknown keys, values out
 * of range and malformed lines are errors naming the line; a missing file is
 * TS_ERR_NOT_FOUND. When db_password_file is set and db_password is empty,
 * the password is read from that file (first line). A CA file given for a
 * target that uses TLS is read once here and must hold a PEM certificate;
 * one given for a target without TLS is an error. Unset CA files become
 * TS_CONF_SYSTEM_CA. */
enum ts_err ts_conf_load(struct ts_conf *conf, const char *path, struct ts_error *err);

/* The broker configured as `name`; NULL when there is none. */
const struct ts_conf_broker *ts_conf_broker(const struct ts_conf *conf, const char *name);

/* Picks the file to read: `cli_path` if given, else $TASKSCHED_CONFIG, else
 * the installed default. Returns a pointer to one of those strings. */
const char *ts_conf_choose_path(const char *cli_path);

/* What every program does first: logging as `ident`, the defaults, then
 * the file ts_conf_choose_path(cli_path) picks (its name in *path), then
 * the configured log level. The caller logs `err` on failure. */
enum ts_err ts_conf_start(const char *ident, const char *cli_path, struct ts_conf *conf,
			  const char **path, struct ts_error *err);

/* Parses one "key = value" assignment into `conf`, as if read from a file.
 * For tests and command-line overrides. */
enum ts_err ts_conf_set(struct ts_conf *conf, const char *key, const char *value,
			struct ts_error *err);

#endif
