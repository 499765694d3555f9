/* token.h -- API tokens: making them, and reading them from a request. */
#ifndef TS_TOKEN_H
#define TS_TOKEN_H

#include <stdbool.h>

#include "errors.h"
#include "sign.h"

/* "tsk_" and 32 random bytes in base64url: 256 bits from getrandom(2). */
#define TS_TOKEN_RANDOM_BYTES 32
#define TS_TOKEN_PREFIX "tsk_"
#define TS_TOKEN_TEXT_MAX 64
/* What "key list" shows of a token: its first characters. */
#define TS_TOKEN_SHOWN 12

/* Writes a new token into `out`. Fails only when the kernel has no
 * randomness to give. */
enum ts_err ts_token_generate(char out[TS_TOKEN_TEXT_MAX], struct ts_error *err);

/* The digest stored for a token (SHA-256, hex); the token is never stored. */
enum ts_err ts_token_hash(const char *token, char out[TS_SHA256_HEX_MAX], struct ts_error *err);

/* Extracts the token of an "Authorization: Bearer <token>" value into `out`.
 * False when the header is absent, of another scheme, or the token does not
 * have a token's shape. */
bool ts_token_from_header(const char *authorization, char out[TS_TOKEN_TEXT_MAX]);

#endif
