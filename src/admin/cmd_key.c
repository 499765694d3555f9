/* cmd_key.c -- tasksched-admin key create|list|revoke: the API keys. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "db/db.h"
#include "log.h"
#include "token.h"

/* One "key" subcommand: its word, how many words it takes (its own
 * included), and what it does. A handler returns the exit status; on
 * EXIT_FAILURE `err` says why, and key_exec logs it. */
struct key_cmd {
	const char *verb;
	int argc;
	int (*exec)(struct ts_db *db, const struct ts_admin_ctx *ctx, char **argv,
		    struct ts_error *err);
};

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

static int key_create(struct ts_db *db, const struct ts_admin_ctx *ctx, char **argv,
		      struct ts_error *err)
{
	char token[TS_TOKEN_TEXT_MAX], hash[TS_SHA256_HEX_MAX], prefix[TS_TOKEN_SHOWN + 1];
	const char *name = argv[1];
	const char *tenant = ctx->tenant ? ctx->tenant : name;

	if (!name_ok(name) || !name_ok(tenant)) {
		fprintf(stderr, "tasksched-admin: names and tenants are 1 to 100 of "
				"A-Z a-z 0-9 . _ -\n");
		return 2;
	}
	if (ts_token_generate(token, err) != TS_OK || ts_token_hash(token, hash, err) != TS_OK)
		return EXIT_FAILURE;
	snprintf(prefix, sizeof(prefix), "%.*s", TS_TOKEN_SHOWN, token);
	if (ts_db_key_create(db, name, tenant, hash, prefix, err) != TS_OK)
		return EXIT_FAILURE;
	/* The one time the token exists outside the client's hands. */
	printf("%s\n", token);
	explicit_bzero(token, sizeof(token));
	fprintf(stderr, "key '%s' created for tenant '%s'; store the token now, it "
			"cannot be shown again\n", name, tenant);
	return EXIT_SUCCESS;
}

static int key_list(struct ts_db *db, const struct ts_admin_ctx *ctx, char **argv,
		    struct ts_error *err)
{
	struct ts_api_key *keys = NULL;
	size_t n = 0;
	char created[TS_TIME_TEXT_MAX], revoked[TS_TIME_TEXT_MAX];

	(void)ctx;
	(void)argv;
	if (ts_db_key_list(db, &keys, &n, err) != TS_OK)
		return EXIT_FAILURE;
	printf("%-24s %-24s %-14s %-28s %s\n", "NAME", "TENANT", "TOKEN", "CREATED", "REVOKED");
	for (size_t i = 0; i < n; i++)
		printf("%-24s %-24s %-14s %-28s %s\n", keys[i].name, keys[i].tenant,
		       keys[i].prefix, ts_time_format(keys[i].created_at, created),
		       keys[i].revoked_at ? ts_time_format(keys[i].revoked_at, revoked) : "-");
	free(keys);
	return EXIT_SUCCESS;
}

static int key_revoke(struct ts_db *db, const struct ts_admin_ctx *ctx, char **argv,
		      struct ts_error *err)
{
	(void)ctx;
	if (ts_db_key_revoke(db, argv[1], err) != TS_OK)
		return EXIT_FAILURE;
	fprintf(stderr, "key '%s' revoked\n", argv[1]);
	return EXIT_SUCCESS;
}

static const struct key_cmd key_cmds[] = {
	{ "create", 2, key_create },
	{ "list", 1, key_list },
	{ "revoke", 2, key_revoke },
};

/* Connects first, then looks up the subcommand: a database that cannot be
 * reached is the error even for a mistyped one. */
static int key_exec(const struct ts_admin_ctx *ctx, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "";
	const struct key_cmd *cmd = NULL;
	struct ts_db *db = NULL;
	struct ts_error err;
	int status = 2;

	ts_error_clear(&err);
	if (ts_db_new(ctx->conf, &db, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < sizeof(key_cmds) / sizeof(key_cmds[0]); i++) {
		if (strcmp(verb, key_cmds[i].verb) == 0 && argc == key_cmds[i].argc)
			cmd = &key_cmds[i];
	}
	if (!cmd)
		ts_admin_usage(stderr);
	else if ((status = cmd->exec(db, ctx, argv, &err)) == EXIT_FAILURE)
		ts_log_error("key %s: %s", verb, err.message);
	ts_db_free(db);
	return status;
}

const struct ts_admin_cmd_entry ts_admin_cmd_key = {
	.verb = "key",
	.usage = "  key create NAME [--tenant TENANT]\n"
		 "                           make an API key (tenant defaults to NAME) and\n"
		 "                           print its token, which is not shown again\n"
		 "  key list                 list the keys (never the tokens)\n"
		 "  key revoke NAME          revoke a key at once (within 5 s everywhere)\n",
	.takes_args = true,
	.exec = key_exec,
};
