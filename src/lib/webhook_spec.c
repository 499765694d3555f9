/* webhook_spec.c -- releasing a type-checked webhook payload. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "webhook_spec.h"

static void free_pairs(struct ts_kv *kv, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(kv[i].name);
		free(kv[i].value);
	}
	free(kv);
}

void ts_webhook_spec_cleanup(struct ts_webhook_spec *spec)
{
	if (!spec)
		return;
	free(spec->url);
	free(spec->method);
	free_pairs(spec->headers, spec->header_count);
	free(spec->data_json);
	free_pairs(spec->query, spec->query_count);
	memset(spec, 0, sizeof(*spec));
}
