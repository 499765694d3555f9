/* handlers_metrics.c -- GET /metrics: the Prometheus text format, for the
 * clients whose address metrics_allow lists. */
#include "config.h"

#include <stdlib.h>

#include "api.h"
#include "metrics.h"

void ts_metrics_get(struct ts_api *api, const struct ts_http_request *req,
		    const char *param, struct ts_http_response *resp)
{
	struct ts_metrics_snapshot snap;
	struct ts_error err;
	char *text = NULL;

	ts_error_clear(&err);
	/* By address, not by key: scrapers carry no key, and a key does not
	 * open the door to an address that is not listed. */
	if (!ts_netguard_addr_listed(&api->metrics_allow, req->remote_addr)) {
		ts_error_set(&err, TS_ERR_INVALID, "forbidden", NULL,
			     "Metrics are served only to the addresses in metrics_allow");
		ts_http_error(resp, 403, &err);
		return;
	}
	if (ts_db_metrics_read(api->db, &snap, &err) != TS_OK ||
	    ts_metrics_render(&snap, PACKAGE_VERSION, &text, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	resp->body = text;
}
