/* auth.h -- who is calling: the tenant of a request's API key. */
#ifndef TS_AUTH_H
#define TS_AUTH_H

#include "db/db.h"
#include "http.h"

struct ts_api;

/* Finds the tenant of the request's "Authorization: Bearer" token into
 * `tenant`. With "auth = loopback-off" a request from 127.0.0.0/8 or ::1
 * without a token is served as tenant "default". On failure fills `resp`:
 * 401 with WWW-Authenticate for a missing or unknown token, 503 when the
 * database cannot say. Valid keys are remembered for a few seconds, so a
 * revoked key stops working within that time. */
bool ts_auth_tenant(struct ts_api *api, const struct ts_http_request *req,
		    char tenant[TS_TENANT_MAX], struct ts_http_response *resp);

#endif
