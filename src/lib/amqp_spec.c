/* amqp_spec.c -- releasing a type-checked amqp payload. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "amqp_spec.h"

void ts_amqp_spec_cleanup(struct ts_amqp_spec *spec)
{
	if (!spec)
		return;
	free(spec->broker);
	free(spec->exchange);
	free(spec->routing_key);
	free(spec->body_json);
	for (size_t i = 0; i < spec->header_count; i++) {
		free(spec->headers[i].name);
		free(spec->headers[i].value);
	}
	free(spec->headers);
	memset(spec, 0, sizeof(*spec));
}
