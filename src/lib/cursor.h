/* cursor.h -- opaque keyset-pagination cursors for GET /tasks. */
#ifndef TS_CURSOR_H
#define TS_CURSOR_H

#include "errors.h"
#include "task.h"
#include "tstime.h"

/* The position after which the next page starts: the (run_at, id) of the
 * last task of the previous page, the list's sort key. */
struct ts_cursor {
	ts_time_us run_at;
	char id[TS_ID_TEXT_MAX];
};

/* Room for an encoded cursor and its terminator. */
#define TS_CURSOR_TEXT_MAX 96

/* Encodes `c` as URL-safe text (base64url, no padding) into `out`. */
void ts_cursor_encode(const struct ts_cursor *c, char out[TS_CURSOR_TEXT_MAX]);

/* Decodes text made by ts_cursor_encode(). Anything else, truncated or
 * altered, is TS_ERR_INVALID with code "invalid_parameter", field "cursor". */
enum ts_err ts_cursor_decode(const char *text, struct ts_cursor *c, struct ts_error *err);

#endif
