/* fuzz_query.c -- libFuzzer harness for what the API reads from the
 * request line and headers before any handler runs: ts_http_query_param
 * (query strings), ts_http_is_json_type (Content-Type) and
 * ts_token_from_header (Authorization).
 *
 * Input: one byte choosing the output buffer size (1..256), then four
 * NUL-separated parts: a parameter name, a query string, a Content-Type,
 * an Authorization value. Output buffers are heap blocks of exactly their
 * size, so ASan sees any write past them. Besides crashes it aborts when
 * - ts_http_query_param disagrees with a plain re-implementation (split on
 *   '&', key up to the first '=', '+' and %XX decoded, a decoded NUL or a
 *   value that does not fit is -1) on the result or the decoded value;
 * - ts_http_is_json_type accepts a value that does not start, after blanks,
 *   with "application/json";
 * - ts_token_from_header disagrees with a plain re-implementation ("Bearer",
 *   any case, blanks, then "tsk_" and base64url characters, 5..63 of them,
 *   then only blanks) on the result or the token. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *name, const char *query)
{
	fprintf(stderr, "fuzz_query: invariant broken: %s: name \"%s\", query \"%s\"\n",
		what, name, query);
	abort();
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int oracle_param(const char *query, const char *name, char *out, size_t size)
{
	const char *p = query;

	while (*p) {
		size_t seg = strcspn(p, "&");
		size_t key = strcspn(p, "=&");
		if (key == strlen(name) && strncmp(p, name, key) == 0) {
			const char *v = p + key + (key < seg); /* past the '=' */
			const char *end = p + seg;
			size_t o = 0;
			while (v < end) {
				int c = (unsigned char)*v++;
				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					if (end - v < 2 || hexval(v[0]) < 0 || hexval(v[1]) < 0)
						return -1;
					c = hexval(v[0]) * 16 + hexval(v[1]);
					v += 2;
				}
				if (c == 0 || o + 1 >= size)
					return -1;
				out[o++] = (char)c;
			}
			out[o] = '\0';
			return 1;
		}
		if (!p[seg])
			break;
		p += seg + 1;
	}
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool oracle_token(const char *h, char *out)
{
	size_t i = 6, start, n;

	if (strncasecmp(h, "bearer", 6) != 0 || !is_blank(h[6]))
		return false;
	while (is_blank(h[i]))
		i++;
	start = i;
	while (h[i] && !is_blank(h[i]))
		i++;
	n = i - start;
	while (is_blank(h[i]))
		i++;
	if (h[i] || n < 5 || n > TS_TOKEN_TEXT_MAX - 1 || strncmp(h + start, "tsk_", 4) != 0)
		return false;
	for (size_t k = start + 4; k < start + n; k++) {
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
			    h[k]))
			return false;
	}
	memcpy(out, h + start, n);
	out[n] = '\0';
	return true;
}

/* Splits off the next NUL-terminated part of [*p, end) as a new string. */
static char *next_part(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nul = memchr(*p, '\0', (size_t)(end - *p));
	size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, *p, n);
		s[n] = '\0';
	}
	*p = nul ? nul + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 1, *end = data + size;
	char *name = NULL, *query = NULL, *ctype = NULL, *auth = NULL;
	char *out = NULL, *expect = NULL, *token = NULL, *token_expect = NULL;

	if (size < 1)
		return 0;
	size_t out_size = (size_t)data[0] + 1;
	name = next_part(&p, end);
	query = next_part(&p, end);
	ctype = next_part(&p, end);
	auth = next_part(&p, end);
	out = malloc(out_size);
	expect = malloc(out_size);
	token = malloc(TS_TOKEN_TEXT_MAX);
	token_expect = malloc(TS_TOKEN_TEXT_MAX);
	if (!name || !query || !ctype || !auth || !out || !expect || !token || !token_expect)
		goto out;

	int got = ts_http_query_param(query, name, out, out_size);
	if (got < -1 || got > 1)
		fail("result out of range", name, query);
	/* A name with '=' or '&' never occurs in the API (the names are
	 * constants) and is matched differently by design: no oracle. */
	if (!strpbrk(name, "=&")) {
		int want = oracle_param(query, name, expect, out_size);
		if (got != want)
			fail("result differs from the reference", name, query);
		if (got == 1 && strcmp(out, expect) != 0)
			fail("decoded value differs from the reference", name, query);
	}
	if (got == 1 && strlen(out) >= out_size)
		fail("decoded value does not fit", name, query);

	if (ts_http_is_json_type(ctype)) {
		const char *c = ctype + strspn(ctype, " \t");
		if (strncasecmp(c, "application/json", 16) != 0)
			fail("accepted a Content-Type that is not JSON", ctype, "");
	}
	(void)ts_http_is_json_type(NULL);

	bool found = ts_token_from_header(auth, token);
	if (found != oracle_token(auth, token_expect))
		fail("token result differs from the reference", auth, "");
	if (found && strcmp(token, token_expect) != 0)
		fail("token differs from the reference", auth, "");
	if (ts_token_from_header(NULL, token))
		fail("a token from no header", "", "");
out:
	free(name);
	free(query);
	free(ctype);
	free(auth);
	free(out);
	free(expect);
	free(token);
	free(token_expect);
	return 0;
}
