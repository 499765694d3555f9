/* json_strict.h -- a strict RFC 8259 recognizer, run before cJSON sees a body. */
#ifndef TS_JSON_STRICT_H
#define TS_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting accepted in a request body. */
#define TS_JSON_MAX_DEPTH 32

/* True when the `len` bytes at `s` are one JSON value (RFC 8259) with
 * optional white space around it, nested at most TS_JSON_MAX_DEPTH deep.
 * Does not check UTF-8 (utf8.h does). */
bool ts_json_strict_valid(const char *s, size_t len);

/* One member of a JSON object, as written: `name` is its name's string
 * literal (quotes included, escapes not decoded), `value` its value's
 * text. Both point into the text being walked. */
struct ts_json_strict_member {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* A walk over the members of one object, in the order they are written
 * (duplicates included, as cJSON keeps them). */
struct ts_json_strict_members {
	const char *p, *end;
	bool started;
};

/* Starts a walk over the object that the `len` bytes at `text` start
 * with (after optional white space). Returns false when they do not start
 * with '{'. Reads no byte past `text + len`. */
bool ts_json_strict_members_init(struct ts_json_strict_members *it,
				 const char *text, size_t len);

/* Fills `m` with the next member. Returns false after the last one, or
 * when the text is not strict JSON there. */
bool ts_json_strict_members_next(struct ts_json_strict_members *it,
				 struct ts_json_strict_member *m);

/* A walk over the elements of one array, in order. */
struct ts_json_strict_elements {
	const char *p, *end;
	bool started;
};

/* Starts a walk over the array that the `len` bytes at `text` start with
 * (after optional white space). Returns false when they do not start with
 * '['. Reads no byte past `text + len`. */
bool ts_json_strict_elements_init(struct ts_json_strict_elements *it,
				  const char *text, size_t len);

/* Points *value at the text of the next element (*value_len bytes).
 * Returns false after the last one, or when the text is not strict JSON
 * there. */
bool ts_json_strict_elements_next(struct ts_json_strict_elements *it,
				  const char **value, size_t *value_len);

/* True when the JSON string literal of `len` bytes at `lit` (quotes
 * included) decodes to text holding U+0000, which a C string would cut. */
bool ts_json_strict_string_has_nul(const char *lit, size_t len);

#endif
