/* message_spec.c -- releasing a type-checked message payload. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "message_spec.h"

void ts_message_spec_cleanup(struct ts_message_spec *spec)
{
	if (!spec)
		return;
	free(spec->recipient);
	free(spec->message);
	memset(spec, 0, sizeof(*spec));
}
