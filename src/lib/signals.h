/* signals.h -- the signal handling every tasksched program shares. */
#ifndef TS_SIGNALS_H
#define TS_SIGNALS_H

/* Installs `handler` (which must be async-signal-safe) for SIGTERM and
 * SIGINT, the requests to stop, and ignores SIGPIPE: a peer that went away
 * while we wrote to it is an error of that write, not our death. */
void ts_signals_on_terminate(void (*handler)(int));

#endif
