/* cursor.c -- opaque keyset-pagination cursors for GET /tasks.
 * The text is base64url of "v1:<run_at microseconds>:<uuid>"; the version
 * prefix lets the format change without misreading old cursors. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "id.h"

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#define RAW_MAX 64

void ts_cursor_encode(const struct ts_cursor *c, char out[TS_CURSOR_TEXT_MAX])
{
	char raw[RAW_MAX];
	int n = snprintf(raw, sizeof(raw), "v1:%" PRId64 ":%s", c->run_at, c->id);
	size_t o = 0;

	for (int i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;
		int chunk = n - i < 3 ? n - i : 3;
		if (chunk > 1)
			v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
		if (chunk > 2)
			v |= (unsigned char)raw[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		if (chunk > 1)
			out[o++] = b64url[(v >> 6) & 63];
		if (chunk > 2)
			out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
}

static int b64_value(char ch)
{
	const char *p = ch ? strchr(b64url, ch) : NULL;

	return p ? (int)(p - b64url) : -1;
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
	size_t len = strlen(text), r = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (len == 0 || len > (RAW_MAX - 1) * 4 / 3 || len % 4 == 1)
		return bad_cursor(err);
	for (size_t i = 0; i < len; i++) {
		int v = b64_value(text[i]);
		if (v < 0)
			return bad_cursor(err);
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[r++] = (char)((acc >> bits) & 0xff);
		}
	}
	/* Leftover bits must be zero, or two texts would decode the same. */
	if (acc & ((1u << bits) - 1))
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
