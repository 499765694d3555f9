/* auth.c -- who is calling: the tenant of a request's API key. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "api.h"
#include "auth.h"
#include "log.h"
#include "siphash.h"
#include "token.h"

/* How long a process trusts a key it looked up: the delay before a
 * revocation takes effect, traded for one query less per request. */
#define KEY_CACHE_US (5 * TS_USEC_PER_SEC)
#define KEY_CACHE_SIZE 32

/* The cache knows a token by its SipHash-2-4-128 under a key drawn at
 * random by this process, not by the SHA-256 the database stores: that
 * digest (through OpenSSL's EVP layer) was a twentieth of every request,
 * and is now computed only when the cache misses. SipHash under a secret
 * key is a pseudorandom function: without the key, which never leaves
 * the process, nobody can make a token that meets a cached one's digest
 * (1 in 2^128 by chance), and the cache holds no digest that would help
 * to guess a token elsewhere. */
struct cached_key {
	uint8_t digest[TS_SIPHASH_OUT_LEN];
	char tenant[TS_TENANT_MAX];
	int64_t expires;
};

static struct cached_key key_cache[KEY_CACHE_SIZE];
static unsigned key_cache_next;
static uint8_t cache_secret[TS_SIPHASH_KEY_LEN];
static bool cache_secret_drawn;

/* The cache's digest of `token`; false (no caching) when there is no
 * randomness for the key yet. */
static bool cache_digest(const char *token, uint8_t digest[TS_SIPHASH_OUT_LEN])
{
	if (!cache_secret_drawn) {
		if (getrandom(cache_secret, sizeof(cache_secret), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(cache_secret))
			return false;
		cache_secret_drawn = true;
	}
	ts_siphash_128(token, strlen(token), cache_secret, digest);
	return true;
}

static const char *cache_find(const uint8_t digest[TS_SIPHASH_OUT_LEN], int64_t now)
{
	for (size_t i = 0; i < KEY_CACHE_SIZE; i++) {
		struct cached_key *k = &key_cache[i];
		if (k->expires > now && ts_sign_equal(k->digest, digest, TS_SIPHASH_OUT_LEN))
			return k->tenant;
	}
	return NULL;
}

static void cache_put(const uint8_t digest[TS_SIPHASH_OUT_LEN], const char *tenant,
		      int64_t now)
{
	struct cached_key *k = &key_cache[key_cache_next++ % KEY_CACHE_SIZE];

	memcpy(k->digest, digest, TS_SIPHASH_OUT_LEN);
	snprintf(k->tenant, sizeof(k->tenant), "%s", tenant);
	k->expires = now + KEY_CACHE_US;
}

static bool is_loopback(const char *addr)
{
	return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
			strncmp(addr, "::ffff:127.", 11) == 0);
}

static bool unauthorized(struct ts_http_response *resp, bool token_given)
{
	struct ts_error err;

	ts_error_set(&err, TS_ERR_INVALID, "unauthorized", NULL,
		     token_given ? "Invalid API key: the token is unknown or revoked"
				 : "Missing API key: send Authorization: Bearer <token>");
	ts_http_error(resp, 401, &err);
	snprintf(resp->www_authenticate, sizeof(resp->www_authenticate),
		 token_given ? "Bearer realm=\"tasksched\", error=\"invalid_token\""
			     : "Bearer realm=\"tasksched\"");
	return false;
}

bool ts_auth_tenant(struct ts_api *api, const struct ts_http_request *req,
		    char tenant[TS_TENANT_MAX], struct ts_http_response *resp)
{
	char token[TS_TOKEN_TEXT_MAX];
	char hash[TS_SHA256_HEX_MAX];
	uint8_t digest[TS_SIPHASH_OUT_LEN];
	struct ts_error err;
	int64_t now = ts_time_monotonic_us();
	const char *known = NULL;
	bool cacheable;
	enum ts_err rc;

	ts_error_clear(&err);
	if (!req->authorization || !*req->authorization) {
		if (strcmp(api->conf->auth, "loopback-off") == 0 && is_loopback(req->remote_addr)) {
			snprintf(tenant, TS_TENANT_MAX, "default");
			return true;
		}
		return unauthorized(resp, false);
	}
	if (!ts_token_from_header(req->authorization, token))
		return unauthorized(resp, true);
	cacheable = cache_digest(token, digest);
	if (cacheable)
		known = cache_find(digest, now);
	if (known) {
		explicit_bzero(token, sizeof(token));
		/* cache_put stored it terminated within TS_TENANT_MAX. */
		memcpy(tenant, known, strlen(known) + 1);
		return true;
	}
	rc = ts_token_hash(token, hash, &err);
	explicit_bzero(token, sizeof(token));
	if (rc != TS_OK) {
		ts_http_error(resp, 500, &err);
		return false;
	}
	switch (ts_db_key_tenant(api->db, hash, tenant, &err)) {
	case TS_OK:
		if (cacheable)
			cache_put(digest, tenant, now);
		return true;
	case TS_ERR_NOT_FOUND:
		return unauthorized(resp, true);
	default:
		ts_http_error(resp, 0, &err);
		return false;
	}
}
