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

/* Waits for the next request and parses it into `req` (cleaned up by the
 * caller). A body larger than `max_body` is not read: req->body_too_large
 * is set instead. Returns false when the server is shutting down. */
bool ts_fcgi_accept(struct ts_fcgi *f, unsigned long max_body, struct ts_http_request *req);

/* Sends `resp` and finishes the current request. */
void ts_fcgi_respond(struct ts_fcgi *f, const struct ts_http_response *resp);

/* Makes ts_fcgi_accept() return false soon; safe in a signal handler. */
void ts_fcgi_shutdown(void);

#endif
