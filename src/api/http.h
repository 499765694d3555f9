/* http.h -- one HTTP exchange as the handlers see it, independent of
 * FastCGI: a parsed request in, a response to fill out. */
#ifndef TS_HTTP_H
#define TS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

#define TS_HTTP_PATH_MAX 1024
#define TS_HTTP_HEADER_MAX 1024
#define TS_HTTP_ETAG_MAX 72

struct ts_http_request {
	char method[16];
	char path[TS_HTTP_PATH_MAX];    /* without the query string */
	const char *query;              /* raw query string, "" when none */
	const char *content_type;       /* NULL when absent */
	const char *idempotency_key;    /* NULL when absent */
	const char *authorization;      /* NULL when absent */
	const char *if_match;           /* NULL when absent */
	const char *remote_addr;        /* the client's address, as the server saw it */
	char *body;                     /* owned; NUL-terminated; NULL when none */
	size_t body_len;
	bool body_too_large;            /* Content-Length above the limit; not read */
	bool path_too_long;
};

/* What a handler answers. `body` is owned (freed by ts_http_response_cleanup)
 * and JSON unless `content_type` says otherwise. Empty header buffers are
 * not sent. */
struct ts_http_response {
	int status;
	char *body;
	char location[TS_HTTP_HEADER_MAX];
	char allow[64];
	char link[TS_HTTP_PATH_MAX + 256];
	bool replayed;                  /* Idempotent-Replayed: true */
	unsigned retry_after;           /* seconds; 0 = none */
	bool omit_body;                 /* HEAD: headers only */
	char www_authenticate[96];      /* set with a 401 */
	char etag[TS_HTTP_ETAG_MAX];    /* a task's entity tag, quoted */
	const char *content_type;       /* static; NULL: the body is JSON */
};

void ts_http_response_init(struct ts_http_response *resp);
void ts_http_response_cleanup(struct ts_http_response *resp);
void ts_http_request_cleanup(struct ts_http_request *req);

/* Sets an error response from `err`: the status follows err->status
 * (400, 404, 409, 412, 413, 503, else 500) unless `http_status` is non-zero.
 * Internal details are logged, not sent: a 500 says only that something
 * went wrong. */
void ts_http_error(struct ts_http_response *resp, int http_status, const struct ts_error *err);

/* Makes `resp` fit to send, after its handler ran: a response without a
 * body is one whose JSON could not be built (memory ran out), so it
 * becomes a 500 with a fixed JSON error, and the failure is logged. If
 * even that copy cannot be made, the 500 goes out with an empty body. */
void ts_http_response_finish(struct ts_http_response *resp);

/* The reason phrase of a status code ("Created"). */
const char *ts_http_reason(int status);

/* Finds parameter `name` in a query string and percent-decodes its value
 * into `out` (`size` bytes). Returns 1 when found, 0 when absent, -1 when
 * the value is malformed or does not fit. */
int ts_http_query_param(const char *query, const char *name, char *out, size_t size);

/* True when a Content-Type header value names JSON in UTF-8
 * ("application/json", optionally with "; charset=utf-8"). */
bool ts_http_is_json_type(const char *content_type);

/* The same for a PATCH body: "application/merge-patch+json" (RFC 7396) or
 * "application/json", each optionally with a UTF-8 charset parameter. */
bool ts_http_is_merge_patch_type(const char *content_type);

#endif
