/* amqp_spec.h -- an amqp payload once type-checked (no cJSON). */
#ifndef TS_AMQP_SPEC_H
#define TS_AMQP_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "webhook_spec.h"

/* An amqp payload, type-checked (json.h's ts_json_parse_amqp fills it,
 * validate.h checks it). Owned strings, NULL when absent; free with
 * ts_amqp_spec_cleanup(). */
struct ts_amqp_spec {
	char *broker;           /* a name of the configuration, amqp_broker.<name> */
	char *exchange;         /* "" is the default exchange */
	char *routing_key;
	char *body_json;        /* `body` as JSON text; NULL when absent */
	struct ts_kv *headers;  /* string headers of the message */
	size_t header_count;
	bool persistent;        /* default true */
};

/* Frees what `spec` owns and zeroes it; NULL is allowed. */
void ts_amqp_spec_cleanup(struct ts_amqp_spec *spec);

#endif
