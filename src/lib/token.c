/* token.c -- API tokens: making them, and reading them from a request. */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "b64url.h"
#include "token.h"

enum ts_err ts_token_generate(char out[TS_TOKEN_TEXT_MAX], struct ts_error *err)
{
	unsigned char raw[TS_TOKEN_RANDOM_BYTES];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n <= 0)
			return ts_error_set(err, TS_ERR_IO, "random", NULL,
					    "getrandom failed: no randomness for a token");
		got += (size_t)n;
	}
	memcpy(out, TS_TOKEN_PREFIX, sizeof(TS_TOKEN_PREFIX) - 1);
	ts_b64url_encode(raw, sizeof(raw), out + sizeof(TS_TOKEN_PREFIX) - 1);
	explicit_bzero(raw, sizeof(raw));
	return TS_OK;
}

enum ts_err ts_token_hash(const char *token, char out[TS_SHA256_HEX_MAX], struct ts_error *err)
{
	return ts_sign_sha256_hex(token, strlen(token), out, err);
}

bool ts_token_from_header(const char *authorization, char out[TS_TOKEN_TEXT_MAX])
{
	const char *p = authorization;
	size_t n;

	if (!p || strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return false;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (p[n + strspn(p + n, " \t")] != '\0')
		return false;
	if (n < sizeof(TS_TOKEN_PREFIX) || n >= TS_TOKEN_TEXT_MAX ||
	    strncmp(p, TS_TOKEN_PREFIX, sizeof(TS_TOKEN_PREFIX) - 1) != 0)
		return false;
	for (size_t i = sizeof(TS_TOKEN_PREFIX) - 1; i < n; i++) {
		char c = p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}
