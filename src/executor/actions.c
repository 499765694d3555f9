/* actions.c -- the table of actions the dispatch engine can run. */
#include "config.h"

#include "action.h"

static const struct ts_action_entry *const table[TS_ACTION_COUNT] = {
	[TS_ACTION_WEBHOOK] = &ts_action_webhook,
	[TS_ACTION_MESSAGE] = &ts_action_message,
	[TS_ACTION_EMAIL] = &ts_action_email,
	[TS_ACTION_AMQP] = &ts_action_amqp,
};

const struct ts_action_entry *ts_action_lookup(enum ts_action a)
{
	if ((unsigned)a >= TS_ACTION_COUNT)
		return NULL;
	return table[a];
}
