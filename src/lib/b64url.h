/* b64url.h -- base64url without padding (RFC 4648 section 5): the text
 * form of cursors and API tokens, safe in URLs and headers as it is. */
#ifndef TS_B64URL_H
#define TS_B64URL_H

#include <stdbool.h>
#include <stddef.h>

/* Characters needed to encode `len` bytes, without the terminator. */
#define TS_B64URL_LEN(len) (((len) * 4 + 2) / 3)

/* Encodes `len` bytes into `out`, which must hold TS_B64URL_LEN(len) + 1. */
void ts_b64url_encode(const void *in, size_t len, char *out);

/* Decodes `text` into `out` (`size` bytes) and sets *len. False when the
 * text is not canonical base64url (bad characters or length, non-zero
 * leftover bits) or does not fit. */
bool ts_b64url_decode(const char *text, void *out, size_t size, size_t *len);

#endif
