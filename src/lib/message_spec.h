/* message_spec.h -- a message payload once type-checked (no cJSON). */
#ifndef TS_MESSAGE_SPEC_H
#define TS_MESSAGE_SPEC_H

/* A message payload, type-checked (json.h's ts_json_parse_message fills
 * it, validate.h checks it). Owned strings; free with
 * ts_message_spec_cleanup(). */
struct ts_message_spec {
	char *recipient;
	char *message;
};

/* Frees what `spec` owns and zeroes it; NULL is allowed. */
void ts_message_spec_cleanup(struct ts_message_spec *spec);

#endif
