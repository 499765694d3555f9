/* etag.c -- strong entity tags of tasks, and If-Match lists (RFC 9110). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "etag.h"
#include "json.h"
#include "siphash.h"

#define ETAG_HEX_DIGITS (2 * TS_SIPHASH_OUT_LEN)
_Static_assert(ETAG_HEX_DIGITS + 3 <= TS_ETAG_MAX, "quotes, digits and terminator fit");

enum ts_err ts_etag_task(const struct ts_task *task, char out[TS_ETAG_MAX],
			 struct ts_error *err)
{
	char *text = ts_json_task_one(task);

	out[0] = '\0';
	if (!text)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	ts_etag_task_text(text, out);
	free(text);
	return TS_OK;
}

/* A fixed key: the tag is no secret and must be the same in every API
 * process and after every restart, for an If-Match read from one to be
 * checked by another. */
static const uint8_t etag_key[TS_SIPHASH_KEY_LEN] = {
	't', 'a', 's', 'k', 's', 'c', 'h', 'e', 'd', ' ', 'e', 't', 'a', 'g', ' ', '1',
};

void ts_etag_task_text(const char *task_one, char out[TS_ETAG_MAX])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[TS_SIPHASH_OUT_LEN];

	/* A digest of the representation, not a counter: it needs no column,
	 * and no writer of the row (API or executor) has to remember it.
	 * SipHash-2-4-128 rather than SHA-256, which was a fifth of a GET:
	 * what the tag must do is change when the text does, and two texts
	 * sharing one of 2^128 tags by chance never happens in practice. A
	 * collision made on purpose (the key is public) gains nothing: only
	 * a client that may change the task anyway can write its text, and
	 * the most it could do is make someone's If-Match pass after its own
	 * change, which it could make without any collision. */
	ts_siphash_128(task_one, strlen(task_one), etag_key, digest);
	out[0] = '"';
	for (size_t i = 0; i < TS_SIPHASH_OUT_LEN; i++) {
		out[1 + 2 * i] = hex[digest[i] >> 4];
		out[2 + 2 * i] = hex[digest[i] & 0x0f];
	}
	out[ETAG_HEX_DIGITS + 1] = '"';
	out[ETAG_HEX_DIGITS + 2] = '\0';
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool ts_etag_if_match(const char *if_match, const char *etag)
{
	size_t etag_len = strlen(etag);
	const char *p = skip_ows(if_match);

	if (*p == '*' && *skip_ows(p + 1) == '\0')
		return true;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		/* Strong comparison: the tags are equal character for
		 * character, and neither is weak (a weak one starts "W/"). */
		if (len == etag_len && memcmp(p, etag, len) == 0)
			return true;
		if (!end)
			break;
		p = skip_ows(end + 1);
	}
	return false;
}
