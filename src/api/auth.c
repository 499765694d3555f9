/* auth.c -- who is calling: the tenant of a request's API key. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "log.h"
#include "token.h"

/* How long a process trusts a key it looked up: the delay before a
 * revocation takes effect, traded for one query less per request. */
#define KEY_CACHE_US (5 * TS_USEC_PER_SEC)
#define KEY_CACHE_SIZE 32

struct cached_key {
	char hash[TS_SHA256_HEX_MAX];
	char tenant[TS_TENANT_MAX];
	int64_t expires;
};

static struct cached_key key_cache[KEY_CACHE_SIZE];
static unsigned key_cache_next;

static const char *cache_find(const char *hash, int64_t now)
{
	for (size_t i = 0; i < KEY_CACHE_SIZE; i++) {
		struct cached_key *k = &key_cache[i];
		if (k->expires > now && ts_sign_equal(k->hash, hash, TS_SHA256_HEX_MAX - 1))
			return k->tenant;
	}
	return NULL;
}

static void cache_put(const char *hash, const char *tenant, int64_t now)
{
	struct cached_key *k = &key_cache[key_cache_next++ % KEY_CACHE_SIZE];

	memcpy(k->hash, hash, TS_SHA256_HEX_MAX);
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
	struct ts_error err;
	int64_t now = ts_time_monotonic_us();
	const char *known;

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
	if (ts_token_hash(token, hash, &err) != TS_OK) {
		ts_http_error(resp, 500, &err);
		return false;
	}
	explicit_bzero(token, sizeof(token));
	known = cache_find(hash, now);
	if (known) {
		/* cache_put stored it terminated within TS_TENANT_MAX. */
		memcpy(tenant, known, strlen(known) + 1);
		return true;
	}
	switch (ts_db_key_tenant(api->db, hash, tenant, &err)) {
	case TS_OK:
		cache_put(hash, tenant, now);
		return true;
	case TS_ERR_NOT_FOUND:
		return unauthorized(resp, true);
	default:
		ts_http_error(resp, 0, &err);
		return false;
	}
}
