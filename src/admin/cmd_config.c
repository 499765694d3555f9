/* cmd_config.c -- tasksched-admin check-config: the configuration was read
 * (main.c reports its errors), so say which file and that it is fine. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "admin.h"

static int check_config_exec(const struct ts_admin_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("%s: ok\n", ctx->config_path);
	return EXIT_SUCCESS;
}

const struct ts_admin_cmd_entry ts_admin_cmd_check_config = {
	.verb = "check-config",
	.usage = "  check-config             read the configuration and report errors\n",
	.exec = check_config_exec,
};
