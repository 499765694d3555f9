/* email_spec.h -- an email payload once type-checked (no cJSON). */
#ifndef TS_EMAIL_SPEC_H
#define TS_EMAIL_SPEC_H

#include <stdbool.h>
#include <stddef.h>

/* An email payload, type-checked (json.h's ts_json_parse_email fills it,
 * validate.h checks it). Owned strings, NULL when absent; free with
 * ts_email_spec_cleanup(). */
struct ts_email_spec {
	char **to;
	size_t to_count;
	bool has_to;            /* "to" was present (possibly empty) */
	char *subject;
	char *text;
	char *html;
	char *reply_to;
};

/* Frees what `spec` owns and zeroes it; NULL is allowed. */
void ts_email_spec_cleanup(struct ts_email_spec *spec);

#endif
