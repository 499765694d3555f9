/* signals.c -- the signal handling every tasksched program shares. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "signals.h"

void ts_signals_on_terminate(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
