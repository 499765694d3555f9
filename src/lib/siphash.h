/* siphash.h -- SipHash-2-4 with a 128-bit output (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012): a digest of short texts at a
 * tenth of SHA-256's cost, where no adversary gains from a collision. */
#ifndef TS_SIPHASH_H
#define TS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define TS_SIPHASH_KEY_LEN 16
#define TS_SIPHASH_OUT_LEN 16

/* Writes SipHash-2-4-128 of the `len` bytes at `data` under `key` into
 * `out`, byte for byte as the reference implementation (its vectors.h). */
void ts_siphash_128(const void *data, size_t len, const uint8_t key[TS_SIPHASH_KEY_LEN],
		    uint8_t out[TS_SIPHASH_OUT_LEN]);

#endif
