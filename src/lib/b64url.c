/* b64url.c -- base64url without padding (RFC 4648 section 5). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "b64url.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void ts_b64url_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		size_t chunk = len - i < 3 ? len - i : 3;
		uint32_t v = (uint32_t)p[i] << 16;
		if (chunk > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (chunk > 2)
			v |= p[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (chunk > 1)
			out[o++] = alphabet[(v >> 6) & 63];
		if (chunk > 2)
			out[o++] = alphabet[v & 63];
	}
	out[o] = '\0';
}

static int value_of(char ch)
{
	const char *p = ch ? strchr(alphabet, ch) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

bool ts_b64url_decode(const char *text, void *out, size_t size, size_t *len)
{
	unsigned char *o = out;
	size_t n = strlen(text), r = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (n % 4 == 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		int v = value_of(text[i]);
		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (r == size)
				return false;
			o[r++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	/* Leftover bits must be zero, or two texts would decode the same. */
	if (acc & ((1u << bits) - 1))
		return false;
	*len = r;
	return true;
}
