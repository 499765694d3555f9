/* webhook_spec.h -- a webhook payload once type-checked: what the API
 * validates and the executor sends (no cJSON, no libcurl). */
#ifndef TS_WEBHOOK_SPEC_H
#define TS_WEBHOOK_SPEC_H

#include <stdbool.h>
#include <stddef.h>

/* A name/value pair of a webhook header or query parameter; both owned. */
struct ts_kv {
	char *name;
	char *value;
};

/* A webhook payload, type-checked (json.h's ts_json_parse_webhook fills
 * it, validate.h checks it). Owned strings; free with
 * ts_webhook_spec_cleanup(). */
struct ts_webhook_spec {
	char *url;              /* NULL when absent */
	char *method;           /* NULL when absent (POST) */
	struct ts_kv *headers;
	size_t header_count;
	char *data_json;        /* `data` re-serialized; NULL when absent */
	struct ts_kv *query;    /* `data`'s top-level fields as text, for GET */
	size_t query_count;
	bool has_timeout;
	double timeout_ms;
};

/* Frees what `spec` owns and zeroes it; NULL is allowed. */
void ts_webhook_spec_cleanup(struct ts_webhook_spec *spec);

#endif
