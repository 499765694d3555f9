/* siphash.c -- SipHash-2-4 with a 128-bit output (see siphash.h). */
#include "config.h"

#include <string.h>

#include "siphash.h"

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* Little-endian, whatever the host's order: the digest is the same on
 * every machine, so two API hosts agree on it. One load, not eight (a
 * byte loop was half the cost of a digest; GCC did not merge it). */
static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static void store64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

static void rounds(struct sip *s, int n)
{
	while (n-- > 0) {
		s->v0 += s->v1;
		s->v1 = rotl(s->v1, 13);
		s->v1 ^= s->v0;
		s->v0 = rotl(s->v0, 32);
		s->v2 += s->v3;
		s->v3 = rotl(s->v3, 16);
		s->v3 ^= s->v2;
		s->v0 += s->v3;
		s->v3 = rotl(s->v3, 21);
		s->v3 ^= s->v0;
		s->v2 += s->v1;
		s->v1 = rotl(s->v1, 17);
		s->v1 ^= s->v2;
		s->v2 = rotl(s->v2, 32);
	}
}

static void compress(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	rounds(s, 2);
	s->v0 ^= m;
}

void ts_siphash_128(const void *data, size_t len, const uint8_t key[TS_SIPHASH_KEY_LEN],
		    uint8_t out[TS_SIPHASH_OUT_LEN])
{
	const uint8_t *p = data;
	uint64_t k0 = load64(key), k1 = load64(key + 8);
	struct sip s = {
		.v0 = k0 ^ 0x736f6d6570736575ULL,
		/* 0xee: the 128-bit variant's domain separation. */
		.v1 = k1 ^ 0x646f72616e646f6dULL ^ 0xee,
		.v2 = k0 ^ 0x6c7967656e657261ULL,
		.v3 = k1 ^ 0x7465646279746573ULL,
	};
	uint8_t tail[8] = { 0 };
	size_t whole = len - len % 8;

	for (size_t i = 0; i < whole; i += 8)
		compress(&s, load64(p + i));
	memcpy(tail, p + whole, len % 8);
	tail[7] = (uint8_t)len;
	compress(&s, load64(tail));
	s.v2 ^= 0xee;
	rounds(&s, 4);
	store64(out, s.v0 ^ s.v1 ^ s.v2 ^ s.v3);
	s.v1 ^= 0xdd;
	rounds(&s, 4);
	store64(out + 8, s.v0 ^ s.v1 ^ s.v2 ^ s.v3);
}
