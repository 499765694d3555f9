/* main.c -- tasksched-admin: maintenance commands (database migrations). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "db/db.h"
#include "log.h"
#include "token.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tasksched-admin [--config FILE] COMMAND\n"
		"\n"
		"Commands:\n"
		"  migrate [--sql-dir DIR]  apply pending database migrations (idempotent)\n"
		"  check-config             read the configuration and report errors\n"
		"  key create NAME [--tenant TENANT]\n"
		"                           make an API key (tenant defaults to NAME) and\n"
		"                           print its token, which is not shown again\n"
		"  key list                 list the keys (never the tokens)\n"
		"  key revoke NAME          revoke a key at once (within 5 s everywhere)\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE  configuration file (default: $TASKSCHED_CONFIG or\n"
		"                     %s)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n",
		TS_CONF_DEFAULT_PATH);
}

static int cmd_migrate(const struct ts_conf *conf, const char *sql_dir)
{
	struct ts_db *db = NULL;
	struct ts_error err;
	int from = 0, to = 0, status = EXIT_FAILURE;

	if (!sql_dir)
		sql_dir = conf->sql_dir;
	ts_error_clear(&err);
	if (ts_db_new(conf, &db, &err) != TS_OK ||
	    ts_db_migrate(db, sql_dir, &from, &to, &err) != TS_OK) {
		ts_log_error("migrate: %s", err.message);
		goto out;
	}
	if (from == to)
		printf("schema is up to date (version %d)\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	status = EXIT_SUCCESS;
out:
	ts_db_free(db);
	return status;
}

/* A key name or tenant: 1 to 100 of [A-Za-z0-9._-]. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 100)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

static int cmd_key(const struct ts_conf *conf, int argc, char **argv, const char *tenant)
{
	struct ts_db *db = NULL;
	struct ts_error err;
	int status = EXIT_FAILURE;
	const char *verb = argc > 0 ? argv[0] : "";

	ts_error_clear(&err);
	if (ts_db_new(conf, &db, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	if (strcmp(verb, "create") == 0 && argc == 2) {
		char token[TS_TOKEN_TEXT_MAX], hash[TS_SHA256_HEX_MAX], prefix[TS_TOKEN_SHOWN + 1];
		const char *name = argv[1];
		if (!tenant)
			tenant = name;
		if (!name_ok(name) || !name_ok(tenant)) {
			fprintf(stderr, "tasksched-admin: names and tenants are 1 to 100 of "
					"A-Z a-z 0-9 . _ -\n");
			status = 2;
			goto out;
		}
		if (ts_token_generate(token, &err) != TS_OK || ts_token_hash(token, hash, &err) != TS_OK)
			goto fail;
		snprintf(prefix, sizeof(prefix), "%.*s", TS_TOKEN_SHOWN, token);
		if (ts_db_key_create(db, name, tenant, hash, prefix, &err) != TS_OK)
			goto fail;
		/* The one time the token exists outside the client's hands. */
		printf("%s\n", token);
		explicit_bzero(token, sizeof(token));
		fprintf(stderr, "key '%s' created for tenant '%s'; store the token now, it "
				"cannot be shown again\n", name, tenant);
		status = EXIT_SUCCESS;
	} else if (strcmp(verb, "list") == 0 && argc == 1) {
		struct ts_api_key *keys = NULL;
		size_t n = 0;
		char created[TS_TIME_TEXT_MAX], revoked[TS_TIME_TEXT_MAX];
		if (ts_db_key_list(db, &keys, &n, &err) != TS_OK)
			goto fail;
		printf("%-24s %-24s %-14s %-28s %s\n", "NAME", "TENANT", "TOKEN", "CREATED", "REVOKED");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-24s %-14s %-28s %s\n", keys[i].name, keys[i].tenant,
			       keys[i].prefix, ts_time_format(keys[i].created_at, created),
			       keys[i].revoked_at ? ts_time_format(keys[i].revoked_at, revoked) : "-");
		free(keys);
		status = EXIT_SUCCESS;
	} else if (strcmp(verb, "revoke") == 0 && argc == 2) {
		if (ts_db_key_revoke(db, argv[1], &err) != TS_OK)
			goto fail;
		fprintf(stderr, "key '%s' revoked\n", argv[1]);
		status = EXIT_SUCCESS;
	} else {
		usage(stderr);
		status = 2;
	}
	goto out;
fail:
	ts_log_error("key %s: %s", verb, err.message);
out:
	ts_db_free(db);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "sql-dir", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL, *sql_dir = NULL, *tenant = NULL;
	struct ts_conf conf;
	struct ts_error err;
	int opt;

	/* Options may come before or after the command. */
	while ((opt = getopt_long(argc, argv, "c:hVd:t:", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_arg = optarg; break;
		case 't': tenant = optarg; break;
		case 'd': sql_dir = optarg; break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-admin %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *command = argv[optind];
	const char *path;
	if (ts_conf_start("tasksched-admin", config_arg, &conf, &path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}

	if (strcmp(command, "key") == 0)
		return cmd_key(&conf, argc - optind - 1, argv + optind + 1, tenant);
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (strcmp(command, "migrate") == 0)
		return cmd_migrate(&conf, sql_dir);
	if (strcmp(command, "check-config") == 0) {
		printf("%s: ok\n", path);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "tasksched-admin: unknown command '%s'\n", command);
	usage(stderr);
	return 2;
}
