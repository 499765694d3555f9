/* fcgi.c -- the FastCGI side of an exchange (libfcgi): read a request,
 * write a response. The only file that includes libfcgi. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
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

/* The parameters a request's handling reads. */
struct params {
	const char *method, *uri, *script_name, *query, *content_type, *idempotency_key,
		*authorization, *if_match, *remote_addr;
};

/* Finds them all in one walk over the request's environment (FCGX_GetParam
 * walks it once per name); the first of a repeated name counts, as there. */
static void read_params(char **envp, struct params *p)
{
#define PARAM(name, field) { name, sizeof(name) - 1, offsetof(struct params, field) }
	static const struct {
		const char *name;
		size_t len;
		size_t offset;
	} wanted[] = {
		PARAM("REQUEST_METHOD", method),
		PARAM("REQUEST_URI", uri),
		PARAM("SCRIPT_NAME", script_name),
		PARAM("QUERY_STRING", query),
		PARAM("CONTENT_TYPE", content_type),
		PARAM("HTTP_IDEMPOTENCY_KEY", idempotency_key),
		PARAM("HTTP_AUTHORIZATION", authorization),
		PARAM("HTTP_IF_MATCH", if_match),
		PARAM("REMOTE_ADDR", remote_addr),
	};
#undef PARAM

	memset(p, 0, sizeof(*p));
	for (char **e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : 0;

		for (size_t i = 0; len && i < sizeof(wanted) / sizeof(wanted[0]); i++) {
			const char **slot = (const char **)((char *)p + wanted[i].offset);
			if (wanted[i].len == len && !*slot && memcmp(*e, wanted[i].name, len) == 0) {
				*slot = eq + 1;
				break;
			}
		}
	}
}

bool ts_fcgi_accept(struct ts_fcgi *f, struct ts_http_request *req)
{
	struct params p;
	size_t n;

	memset(req, 0, sizeof(*req));
	if (f->active) {
		FCGX_Finish_r(&f->req);
		f->active = false;
	}
	if (FCGX_Accept_r(&f->req) < 0)
		return false;
	f->active = true;
	read_params(f->req.envp, &p);
	n = p.method ? strlen(p.method) : 0;
	if (n >= sizeof(req->method))
		n = sizeof(req->method) - 1;
	memcpy(req->method, p.method ? p.method : "", n);
	req->method[n] = '\0';
	/* REQUEST_URI is set by lighttpd and Apache alike, whatever the
	 * mapping of SCRIPT_NAME and PATH_INFO; it is the path the client sent. */
	copy_path(req, p.uri && *p.uri ? p.uri : p.script_name ? p.script_name : "/");
	req->query = p.query ? p.query : "";
	req->content_type = p.content_type;
	req->idempotency_key = p.idempotency_key;
	req->authorization = p.authorization;
	req->if_match = p.if_match;
	req->remote_addr = p.remote_addr;
	return true;
}

/* The header block being written, in a buffer on the stack. */
struct head {
	char *p, *end;
};

/* Appends `s`; a block that does not fit (it always does: see
 * ts_fcgi_respond) is cut, never overrun. */
static void put(struct head *h, const char *s)
{
	size_t n = strlen(s);

	if (n > (size_t)(h->end - h->p))
		n = (size_t)(h->end - h->p);
	memcpy(h->p, s, n);
	h->p += n;
}

/* "Name: value\r\n", when `value` is not empty. */
static void put_header(struct head *h, const char *name, const char *value)
{
	if (!value[0])
		return;
	put(h, name);
	put(h, ": ");
	put(h, value);
	put(h, "\r\n");
}

/* `v` in decimal, into `buf` (at least 21 bytes); returns the text. */
static const char *decimal(unsigned long v, char *buf, size_t size)
{
	char *p = buf + size;

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void ts_fcgi_respond(struct ts_fcgi *f, const struct ts_http_response *resp)
{
	FCGX_Stream *out = f->req.out;
	size_t len = resp->body ? strlen(resp->body) : 0;
	/* A JSON body gets a final newline for terminals; other bodies are
	 * sent as they are. */
	bool json = !resp->content_type;
	char num[24];
	/* Every header buffer of the response, and room for the names, the
	 * status line, the numbers and a content type. */
	char buf[sizeof(resp->location) + sizeof(resp->www_authenticate) + sizeof(resp->allow) +
		 sizeof(resp->link) + sizeof(resp->etag) + 1024];
	struct head h = { buf, buf + sizeof(buf) };

	/* Written into one buffer and handed over at once: FCGX_FPrintF's
	 * own printf, and a call per piece, were a tenth of a GET. */
	put(&h, "Status: ");
	put(&h, decimal((unsigned long)resp->status, num, sizeof(num)));
	put(&h, " ");
	put(&h, ts_http_reason(resp->status));
	put(&h, "\r\n");
	put_header(&h, "Content-Type",
		   json ? "application/json; charset=utf-8" : resp->content_type);
	put_header(&h, "Content-Length", decimal((unsigned long)len + json, num, sizeof(num)));
	put_header(&h, "Cache-Control", "no-store");
	put_header(&h, "Location", resp->location);
	put_header(&h, "WWW-Authenticate", resp->www_authenticate);
	put_header(&h, "Allow", resp->allow);
	put_header(&h, "Link", resp->link);
	put_header(&h, "ETag", resp->etag);
	if (resp->replayed)
		put_header(&h, "Idempotent-Replayed", "true");
	if (resp->retry_after)
		put_header(&h, "Retry-After", decimal(resp->retry_after, num, sizeof(num)));
	put(&h, "\r\n");
	FCGX_PutStr(buf, (int)(h.p - buf), out);
	if (!resp->omit_body) {
		if (len)
			FCGX_PutStr(resp->body, (int)len, out);
		if (json)
			FCGX_PutS("\n", out);
	}
	FCGX_Finish_r(&f->req);
	f->active = false;
}
