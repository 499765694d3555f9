/* main.c -- tasksched-admin: maintenance commands (database migrations, API
 * keys), dispatched by verb through the command table. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "conf.h"
#include "log.h"

/* Every command, in the order the usage text lists them. */
static const struct ts_admin_cmd_entry *const commands[] = {
	&ts_admin_cmd_migrate,
	&ts_admin_cmd_check_config,
	&ts_admin_cmd_key,
	&ts_admin_cmd_prune,
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

void ts_admin_usage(FILE *out)
{
	fputs("Usage: tasksched-admin [--config FILE] COMMAND\n\nCommands:\n", out);
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fputs(commands[i]->usage, out);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -c, --config FILE  configuration file (default: $TASKSCHED_CONFIG or\n"
		"                     %s)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n",
		TS_CONF_DEFAULT_PATH);
}

static const struct ts_admin_cmd_entry *find_command(const char *verb)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i]->verb, verb) == 0)
			return commands[i];
	}
	return NULL;
}

/* Reads the options, which may come before or after the command, into
 * `ctx` and `*config_arg`. Returns -1 to go on (the command is then at
 * argv[optind]), or the exit status for --help, --version and usage errors. */
static int parse_args(int argc, char **argv, struct ts_admin_ctx *ctx, const char **config_arg)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "sql-dir", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "c:hVd:t:n", options, NULL)) != -1) {
		switch (opt) {
		case 'c': *config_arg = optarg; break;
		case 't': ctx->tenant = optarg; break;
		case 'd': ctx->sql_dir = optarg; break;
		case 'n': ctx->dry_run = true; break;
		case 'h': ts_admin_usage(stdout); return EXIT_SUCCESS;
		case 'V': printf("tasksched-admin %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
		default: ts_admin_usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		ts_admin_usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct ts_admin_ctx ctx = { 0 };
	const char *config_arg = NULL;
	struct ts_conf conf;
	struct ts_error err;
	int status = parse_args(argc, argv, &ctx, &config_arg);

	if (status >= 0)
		return status;
	const char *verb = argv[optind];
	if (ts_conf_start("tasksched-admin", config_arg, &conf, &ctx.config_path, &err) != TS_OK) {
		ts_log_error("%s", err.message);
		return EXIT_FAILURE;
	}
	ctx.conf = &conf;

	const struct ts_admin_cmd_entry *cmd = find_command(verb);
	int nargs = argc - optind - 1;
	if (cmd && (cmd->takes_args || nargs == 0))
		return cmd->exec(&ctx, nargs, argv + optind + 1);
	if (cmd || nargs > 0) {
		ts_admin_usage(stderr);
		return 2;
	}
	fprintf(stderr, "tasksched-admin: unknown command '%s'\n", verb);
	ts_admin_usage(stderr);
	return 2;
}
