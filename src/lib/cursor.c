/* cursor.c -- opaque keyset-pagination cursors for GET /tasks.
 * The text is base64url of "v1:<run_at microseconds>:<uuid>"; the version
 * prefix lets the format change without misreading old cursors. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "cursor.h"
#include "id.h"

#define RAW_MAX 64

void ts_cursor_encode(const struct ts_cursor *c, char out[TS_CURSOR_TEXT_MAX])
{
	char raw[RAW_MAX];
	int n = snprintf(raw, sizeof(raw), "v1:%" PRId64 ":%s", c->run_at, c->id);

	ts_b64url_encode(raw, (size_t)n, out);
}

static enum ts_err bad_cursor(struct ts_error *err)
{
	return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "cursor",
			    "Invalid query parameter cursor: use the next_cursor value "
			    "of a previous page");
}

enum ts_err ts_cursor_decode(const char *text, struct ts_cursor *c, struct ts_error *err)
{
	char raw[RAW_MAX];
	size_t r = 0;

	if (strlen(text) > TS_B64URL_LEN(RAW_MAX - 1) ||
	    !ts_b64url_decode(text, raw, sizeof(raw) - 1, &r))
		return bad_cursor(err);
	raw[r] = '\0';
	if (memchr(raw, '\0', r))
		return bad_cursor(err);

	char *end;
	if (strncmp(raw, "v1:", 3) != 0)
		return bad_cursor(err);
	c->run_at = strtoll(raw + 3, &end, 10);
	if (end == raw + 3 || *end != ':' || !ts_id_normalize(end + 1, c->id))
		return bad_cursor(err);
	/* Only accept the exact text ts_cursor_encode makes. */
	char again[TS_CURSOR_TEXT_MAX];
	ts_cursor_encode(c, again);
	if (strcmp(again, text) != 0)
		return bad_cursor(err);
	return TS_OK;
}
