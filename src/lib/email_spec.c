/* email_spec.c -- releasing a type-checked email payload. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "email_spec.h"

void ts_email_spec_cleanup(struct ts_email_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->to_count; i++)
		free(spec->to[i]);
	free(spec->to);
	free(spec->subject);
	free(spec->text);
	free(spec->html);
	free(spec->reply_to);
	memset(spec, 0, sizeof(*spec));
}
