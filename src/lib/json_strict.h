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

/* Finds the first member whose key is spelled exactly `key` (no escapes
 * decoded) in the JSON object that the `len` bytes at `text` start with,
 * and points `*value` / `*value_len` at that member's value as written,
 * inside `text`. Returns false when there is no such member or `text` is
 * not such an object. Reads no byte past `text + len`. */
bool ts_json_strict_member(const char *text, size_t len, const char *key,
			   const char **value, size_t *value_len);

#endif
