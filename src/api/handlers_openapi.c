/* handlers_openapi.c -- GET /openapi.json: the API's own description. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "openapi.h"

void ts_openapi_get(struct ts_api *api, const struct ts_http_request *req,
		    const char *param, struct ts_http_response *resp)
{
	struct ts_error err;

	/* The response owns its body. */
	resp->body = strdup(ts_openapi_json);
	if (!resp->body) {
		ts_error_set(&err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		ts_http_error(resp, 0, &err);
		return;
	}
	resp->status = 200;
}
