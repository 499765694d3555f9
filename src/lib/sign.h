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

/* Computes the X-Tasksched-Signature value of a request body sent at
 * `unix_time`: "t=<unix_time>,v1=<hex HMAC-SHA256(secret, t "." body)>".
 * A receiver recomputes it with the shared secret, compares in constant
 * time, and rejects a t outside its replay window. */
enum ts_err ts_sign_webhook(const char *secret, size_t secret_len, long long unix_time,
			    const char *body, size_t body_len, char out[TS_SIGNATURE_MAX],
			    struct ts_error *err);

/* The SHA-256 of `len` bytes at `data`, as lowercase hex. */
enum ts_err ts_sign_sha256_hex(const void *data, size_t len, char out[TS_SHA256_HEX_MAX],
			       struct ts_error *err);

/* Compares `n` bytes in time independent of their contents. */
bool ts_sign_equal(const void *a, const void *b, size_t n);

#endif
