/* fcgi.c -- the FastCGI side of an exchange (libfcgi): read a request,
 * write a response. The only file that includes libfcgi. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "fcgi.h"

struct ts_fcgi {
	FCGX_Request req;
	bool active;      /* a request is accepted and not yet finished */
};

struct ts_fcgi *ts_fcgi_new(struct ts_error *err)
{
	struct ts_fcgi *f;

	if (FCGX_Init() != 0) {
		ts_error_set(err, TS_ERR_INTERNAL, "fcgi", NULL, "FCGX_Init failed");
		return NULL;
	}
	if (FCGX_IsCGI()) {
		ts_error_set(err, TS_ERR_INVALID, "fcgi", NULL,
			     "not started as a FastCGI responder (standard input is not a "
			     "listening socket); start it with spawn-fcgi");
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	if (FCGX_InitRequest(&f->req, 0, 0) != 0) {
		free(f);
		ts_error_set(err, TS_ERR_INTERNAL, "fcgi", NULL, "FCGX_InitRequest failed");
		return NULL;
	}
	return f;
}

void ts_fcgi_free(struct ts_fcgi *f)
{
	if (!f)
		return;
	if (f->active)
		FCGX_Finish_r(&f->req);
	FCGX_Free(&f->req, 1);
	free(f);
}

void ts_fcgi_shutdown(void)
{
	FCGX_ShutdownPending();
}

static void copy_path(struct ts_http_request *req, const char *uri)
{
	size_t n = strcspn(uri, "?#");

	if (n >= sizeof(req->path)) {
		req->path_too_long = true;
		n = sizeof(req->path) - 1;
	}
	memcpy(req->path, uri, n);
	req->path[n] = '\0';
}

void ts_fcgi_read_body(struct ts_fcgi *f, unsigned long max_body, struct ts_http_request *req)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", f->req.envp);
	char *end;
	unsigned long len;

	if (!cl || !*cl)
		return;
	errno = 0;
	len = strtoul(cl, &end, 10);
	if (*end || errno || len > max_body) {
		req->body_too_large = true;
		return;
	}
	req->body = malloc(len + 1);
	if (!req->body) {
		req->body_too_large = true;
		return;
	}
	int got = len ? FCGX_GetStr(req->body, (int)len, f->req.in) : 0;
	req->body_len = got > 0 ? (size_t)got : 0;
	req->body[req->body_len] = '\0';
}

bool ts_fcgi_accept(struct ts_fcgi *f, struct ts_http_request *req)
{
	const char *v;

	memset(req, 0, sizeof(*req));
	if (f->active) {
		FCGX_Finish_r(&f->req);
		f->active = false;
	}
	if (FCGX_Accept_r(&f->req) < 0)
		return false;
	f->active = true;
	v = FCGX_GetParam("REQUEST_METHOD", f->req.envp);
	snprintf(req->method, sizeof(req->method), "%s", v ? v : "");
	/* REQUEST_URI is set by lighttpd and Apache alike, whatever the
	 * mapping of SCRIPT_NAME and PATH_INFO; it is the path the client sent. */
	v = FCGX_GetParam("REQUEST_URI", f->req.envp);
	if (!v || !*v)
		v = FCGX_GetParam("SCRIPT_NAME", f->req.envp);
	copy_path(req, v ? v : "/");
	v = FCGX_GetParam("QUERY_STRING", f->req.envp);
	req->query = v ? v : "";
	req->content_type = FCGX_GetParam("CONTENT_TYPE", f->req.envp);
	req->idempotency_key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", f->req.envp);
	req->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", f->req.envp);
	req->if_match = FCGX_GetParam("HTTP_IF_MATCH", f->req.envp);
	req->remote_addr = FCGX_GetParam("REMOTE_ADDR", f->req.envp);
	return true;
}

void ts_fcgi_respond(struct ts_fcgi *f, const struct ts_http_response *resp)
{
	FCGX_Stream *out = f->req.out;
	size_t len = resp->body ? strlen(resp->body) : 0;
	/* A JSON body gets a final newline for terminals; other bodies are
	 * sent as they are. */
	bool json = !resp->content_type;

	FCGX_FPrintF(out, "Status: %d %s\r\n", resp->status, ts_http_reason(resp->status));
	FCGX_FPrintF(out, "Content-Type: %s\r\n",
		     json ? "application/json; charset=utf-8" : resp->content_type);
	FCGX_FPrintF(out, "Content-Length: %lu\r\n", (unsigned long)len + json);
	FCGX_FPrintF(out, "Cache-Control: no-store\r\n");
	if (resp->location[0])
		FCGX_FPrintF(out, "Location: %s\r\n", resp->location);
	if (resp->www_authenticate[0])
		FCGX_FPrintF(out, "WWW-Authenticate: %s\r\n", resp->www_authenticate);
	if (resp->allow[0])
		FCGX_FPrintF(out, "Allow: %s\r\n", resp->allow);
	if (resp->link[0])
		FCGX_FPrintF(out, "Link: %s\r\n", resp->link);
	if (resp->etag[0])
		FCGX_FPrintF(out, "ETag: %s\r\n", resp->etag);
	if (resp->replayed)
		FCGX_FPrintF(out, "Idempotent-Replayed: true\r\n");
	if (resp->retry_after)
		FCGX_FPrintF(out, "Retry-After: %u\r\n", resp->retry_after);
	FCGX_PutS("\r\n", out);
	if (!resp->omit_body) {
		if (len)
			FCGX_PutStr(resp->body, (int)len, out);
		if (json)
			FCGX_PutS("\n", out);
	}
	FCGX_Finish_r(&f->req);
	f->active = false;
}
