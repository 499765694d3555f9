/* fcgi.h -- the FastCGI side of an exchange (libfcgi): read a request,
 * write a response. */
#ifndef TS_FCGI_H
#define TS_FCGI_H

#include <stdbool.h>

#include "http.h"

struct ts_fcgi;

/* Prepares to accept requests on the socket spawn-fcgi passed as fd 0.
 * Returns NULL (with `err`) when this process was not started as a
 * FastCGI responder. Free with ts_fcgi_free(), which accepts NULL. */
struct ts_fcgi *ts_fcgi_new(struct ts_error *err);
void ts_fcgi_free(struct ts_fcgi *f);

/* Waits for the next request and parses its method, path and headers
 * into `req` (cleaned up by the caller). Returns false when the server is
 * shutting down. */
bool ts_fcgi_accept(struct ts_fcgi *f, struct ts_http_request *req);

/* Reads the body of the request just accepted into req->body, unless it is
 * larger than `max_body`: then req->body_too_large is set instead. The
 * limit depends on the route, hence a call of its own. */
void ts_fcgi_read_body(struct ts_fcgi *f, unsigned long max_body, struct ts_http_request *req);

/* Sends `resp` and finishes the current request. */
void ts_fcgi_respond(struct ts_fcgi *f, const struct ts_http_response *resp);

/* Makes ts_fcgi_accept() return false soon; safe in a signal handler. */
void ts_fcgi_shutdown(void);

#endif
