/* etag.c -- strong entity tags of tasks, and If-Match lists (RFC 9110). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "etag.h"
#include "json.h"
#include "sign.h"

#define ETAG_HEX_DIGITS 32
_Static_assert(ETAG_HEX_DIGITS + 3 <= TS_ETAG_MAX, "quotes, digits and terminator fit");

enum ts_err ts_etag_task(const struct ts_task *task, char out[TS_ETAG_MAX],
			 struct ts_error *err)
{
	char *text = ts_json_task_one(task);
	enum ts_err rc;

	out[0] = '\0';
	if (!text)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	rc = ts_etag_task_text(text, out, err);
	free(text);
	return rc;
}

enum ts_err ts_etag_task_text(const char *task_one, char out[TS_ETAG_MAX],
			      struct ts_error *err)
{
	char hex[TS_SHA256_HEX_MAX];
	/* A digest of the representation, not a counter: it needs no column,
	 * and no writer of the row (API or executor) has to remember it. */
	enum ts_err rc = ts_sign_sha256_hex(task_one, strlen(task_one), hex, err);

	out[0] = '\0';
	if (rc == TS_OK) {
		out[0] = '"';
		memcpy(out + 1, hex, ETAG_HEX_DIGITS);
		out[ETAG_HEX_DIGITS + 1] = '"';
		out[ETAG_HEX_DIGITS + 2] = '\0';
	}
	return rc;
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
