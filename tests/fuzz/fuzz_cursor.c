/* fuzz_cursor.c -- libFuzzer harness for the GET /tasks cursor:
 * ts_cursor_decode on arbitrary text, ts_cursor_encode on arbitrary
 * positions, and the base64url codec under both (b64url.c).
 *
 * The input, cut at its first NUL, is decoded as a cursor and as base64url.
 * Besides crashes it aborts when
 * - a decoded cursor does not encode back to exactly the same text, or its
 *   id is not a lowercase canonical UUID;
 * - a rejection is not the documented "invalid_parameter" on "cursor";
 * - base64url text that decodes does not encode back to itself (the codec
 *   must be canonical), or bytes do not survive encoding and decoding.
 * The first 24 bytes of the input also make a position (8 bytes of run_at,
 * 16 of UUID) that must encode to text that fits TS_CURSOR_TEXT_MAX and
 * decodes back to the same position. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "cursor.h"
#include "id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_cursor: invariant broken: %s: \"%s\"\n", what, text);
	abort();
}

static void check_decode(const char *text)
{
	struct ts_cursor c;
	struct ts_error err;
	char again[TS_CURSOR_TEXT_MAX];

	ts_error_clear(&err);
	memset(&c, 0, sizeof(c));
	if (ts_cursor_decode(text, &c, &err) != TS_OK) {
		if (err.status != TS_ERR_INVALID || strcmp(err.code, "invalid_parameter") != 0 ||
		    strcmp(err.field, "cursor") != 0)
			fail("rejected with an unexpected error", text);
		return;
	}
	if (memchr(c.id, '\0', sizeof(c.id)) == NULL || strlen(c.id) != 36 ||
	    !ts_id_is_valid(c.id))
		fail("decoded id is not a UUID", text);
	for (size_t i = 0; i < 36; i++) {
		if (c.id[i] >= 'A' && c.id[i] <= 'F')
			fail("decoded id is not lowercase", text);
	}
	ts_cursor_encode(&c, again);
	if (strcmp(again, text) != 0)
		fail("decoded cursor encodes to other text", text);
}

/* Decodes `text` into a heap block of exactly `size` bytes, so that ASan
 * sees a write past it, and checks the result re-encodes to `text`. */
static void check_b64url(const char *text, size_t size)
{
	unsigned char *raw = malloc(size ? size : 1);
	size_t len = (size_t)-1;

	if (!raw)
		return;
	if (ts_b64url_decode(text, raw, size, &len)) {
		char *again = malloc(TS_B64URL_LEN(len) + 1);
		if (len > size)
			fail("base64url decoded more bytes than fit", text);
		if (again) {
			ts_b64url_encode(raw, len, again);
			if (strcmp(again, text) != 0)
				fail("base64url text is not canonical", text);
			free(again);
		}
	}
	free(raw);
}

/* Bytes -> base64url -> the same bytes, for every length up to `n`. */
static void check_b64url_bytes(const uint8_t *d, size_t n)
{
	char *text = malloc(TS_B64URL_LEN(n) + 1);
	unsigned char *back = malloc(n ? n : 1);
	size_t len = 0;

	if (text && back) {
		ts_b64url_encode(d, n, text);
		if (strlen(text) != TS_B64URL_LEN(n))
			fail("base64url text has the wrong length", text);
		if (!ts_b64url_decode(text, back, n, &len) || len != n || memcmp(back, d, n) != 0)
			fail("bytes do not survive base64url", text);
	}
	free(text);
	free(back);
}

/* A position from raw bytes: any run_at, any UUID bits (all versions). */
static void check_encode(const uint8_t *d)
{
	static const char hex[] = "0123456789abcdef";
	struct ts_cursor c, back;
	struct ts_error err;
	/* One byte more than the limit: an overlong encoding shows as a
	 * missing terminator instead of an overflow ASan may not see. */
	char text[TS_CURSOR_TEXT_MAX + 1];
	size_t o = 0;
	uint64_t u = 0;

	for (int i = 0; i < 8; i++)
		u = u << 8 | d[i];
	memset(&c, 0, sizeof(c));
	c.run_at = (ts_time_us)u;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			c.id[o++] = '-';
		c.id[o++] = hex[d[8 + i] >> 4];
		c.id[o++] = hex[d[8 + i] & 15];
	}
	c.id[o] = '\0';

	memset(text, 'x', sizeof(text));
	ts_cursor_encode(&c, text);
	if (memchr(text, '\0', TS_CURSOR_TEXT_MAX) == NULL)
		fail("encoding does not fit TS_CURSOR_TEXT_MAX", c.id);
	ts_error_clear(&err);
	if (ts_cursor_decode(text, &back, &err) != TS_OK)
		fail("an encoded cursor is rejected", text);
	if (back.run_at != c.run_at || strcmp(back.id, c.id) != 0)
		fail("an encoded cursor decodes to another position", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_decode(text);
	/* Sizes around the cursor's buffer and the exact fit. */
	check_b64url(text, 63);
	check_b64url(text, strlen(text) * 3 / 4);
	check_b64url_bytes(data, size < 96 ? size : 96);
	if (size >= 24)
		check_encode(data);
	free(text);
	return 0;
}
