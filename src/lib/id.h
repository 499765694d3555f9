/* id.h -- task identifiers: time-ordered UUIDs in lowercase text. */
#ifndef TS_ID_H
#define TS_ID_H

#include <stdbool.h>

#include "task.h"

/* Writes a new UUID version 7 (48-bit Unix milliseconds, then random bits)
 * into `out`. Time order keeps new rows at the right edge of the primary
 * key, so inserts do not split InnoDB pages all over the tree. */
void ts_id_new(char out[TS_ID_TEXT_MAX]);

/* True when `text` is a UUID in canonical form (8-4-4-4-12 hex digits, any
 * version); upper-case digits are accepted. */
bool ts_id_is_valid(const char *text);

/* Copies a valid UUID into `out` in lowercase. Returns false (and leaves
 * `out` empty) when `text` is not one. */
bool ts_id_normalize(const char *text, char out[TS_ID_TEXT_MAX]);

#endif
