/* handlers_health.c -- GET /healthz: is the database reachable? */
#include "config.h"

#include "api.h"
#include "json.h"

void ts_health_get(struct ts_api *api, const struct ts_http_request *req,
		   const char *param, struct ts_http_response *resp)
{
	struct ts_error err;

	ts_error_clear(&err);
	if (ts_db_ping(api->db, &err) != TS_OK) {
		ts_http_error(resp, 503, &err);
		return;
	}
	resp->status = 200;
	resp->body = ts_json_string_member("status", "ok");
}
