/* sign.h -- webhook signatures and token digests (OpenSSL). */
#ifndef TS_SIGN_H
#define TS_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

/* "t=<digits>,v1=<hex>" (64 digits for SHA-256; room for any digest). */
#define TS_SIGNATURE_MAX 160
/* 64 hex digits and the terminator. */
#define TS_SHA256_HEX_MAX 65

/* Characters of base64 after "whsec_" at most, and the key's bytes. */
#define TS_SIGN_SECRET_TEXT_MAX 128
#define TS_SIGN_KEY_MIN 16
#define TS_SIGN_KEY_MAX 64
/* "v1,<base64 of 32 bytes>" and the terminator. */
#define TS_STANDARD_SIGNATURE_MAX 48

/* The HMAC key of a Standard Webhooks secret. */
struct ts_sign_key {
	unsigned char bytes[TS_SIGN_KEY_MAX];
	size_t len;
};

/* Computes the X-Tasksched-Signature value of a request body sent at
 * `unix_time`: "t=<unix_time>,v1=<hex HMAC-SHA256(secret, t "." body)>".
 * A receiver recomputes it with the shared secret, compares in constant
 * time, and rejects a t outside its replay window. */
enum ts_err ts_sign_webhook(const char *secret, size_t secret_len, long long unix_time,
			    const char *body, size_t body_len, char out[TS_SIGNATURE_MAX],
			    struct ts_error *err);

/* Decodes a Standard Webhooks secret, "whsec_" + base64 of 16 to 64
 * bytes (`secret_len` characters; need not be NUL-terminated), into
 * *key. TS_ERR_INVALID, saying why, for anything else. */
enum ts_err ts_sign_standard_key(const char *secret, size_t secret_len,
				 struct ts_sign_key *key, struct ts_error *err);

/* Computes one webhook-signature entry of the Standard Webhooks scheme:
 * "v1,<base64 HMAC-SHA256(key, msg_id "." unix_time "." body)>". A
 * receiver verifies it with any Standard Webhooks library and the same
 * whsec_ secret. */
enum ts_err ts_sign_standard(const struct ts_sign_key *key, const char *msg_id,
			     long long unix_time, const char *body, size_t body_len,
			     char out[TS_STANDARD_SIGNATURE_MAX], struct ts_error *err);

/* The SHA-256 of `len` bytes at `data`, as lowercase hex. */
enum ts_err ts_sign_sha256_hex(const void *data, size_t len, char out[TS_SHA256_HEX_MAX],
			       struct ts_error *err);

/* Compares `n` bytes in time independent of their contents. */
bool ts_sign_equal(const void *a, const void *b, size_t n);

#endif
