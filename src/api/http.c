/* http.c -- responses, status phrases, query strings and content types;
 * no FastCGI here. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "json.h"
#include "log.h"

void ts_http_response_init(struct ts_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
}

void ts_http_response_cleanup(struct ts_http_response *resp)
{
	if (!resp)
		return;
	free(resp->body);
	ts_http_response_init(resp);
}

void ts_http_request_cleanup(struct ts_http_request *req)
{
	if (!req)
		return;
	free(req->body);
	memset(req, 0, sizeof(*req));
}

const char *ts_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/* What a client is told of a 500: the details go to the service log. */
#define INTERNAL_MESSAGE "Internal server error; the details are in the service log"
#define INTERNAL_CODE "internal_error"

static int status_for(enum ts_err e)
{
	switch (e) {
	case TS_ERR_INVALID: return 400;
	case TS_ERR_NOT_FOUND: return 404;
	case TS_ERR_CONFLICT: return 409;
	case TS_ERR_PRECONDITION: return 412;
	case TS_ERR_TOO_LARGE: return 413;
	case TS_ERR_UNAVAILABLE: return 503;
	default: return 500;
	}
}

void ts_http_error(struct ts_http_response *resp, int http_status, const struct ts_error *err)
{
	struct ts_error shown = *err;

	resp->status = http_status ? http_status : status_for(err->status);
	if (resp->status == 500) {
		ts_log_error("internal error: %s", err->message);
		ts_error_set(&shown, TS_ERR_INTERNAL, INTERNAL_CODE, NULL, "%s",
			     INTERNAL_MESSAGE);
	} else if (resp->status == 503) {
		ts_log_warning("%s", err->message);
		ts_error_set(&shown, TS_ERR_UNAVAILABLE, "database_unavailable", NULL,
			     "Database unavailable; retry shortly");
		resp->retry_after = 5;
	}
	free(resp->body);
	resp->body = ts_json_error(&shown);
}

void ts_http_response_finish(struct ts_http_response *resp)
{
	/* Written out, not built with the JSON writer that just failed. */
	static const char body[] =
		"{\"error\":\"" INTERNAL_MESSAGE "\",\"code\":\"" INTERNAL_CODE "\"}";
	bool omit_body = resp->omit_body;

	if (resp->body)
		return;
	ts_log_error("internal error: out of memory building the body of a %d response",
		     resp->status);
	ts_http_response_init(resp);
	resp->status = 500;
	resp->omit_body = omit_body;
	resp->body = strdup(body);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int ts_http_query_param(const char *query, const char *name, char *out, size_t size)
{
	size_t name_len = strlen(name);
	const char *p = query;

	if (size == 0)
		return -1;

	while (p && *p) {
		const char *amp = strchr(p, '&');
		const char *end = amp ? amp : p + strlen(p);
		if ((size_t)(end - p) >= name_len && strncmp(p, name, name_len) == 0 &&
		    (p + name_len == end || p[name_len] == '=')) {
			const char *v = p + name_len + (p + name_len < end);
			size_t o = 0;
			for (; v < end; v++) {
				char c = *v;
				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					int hi, lo;
					if (end - v < 3 || (hi = hex_value(v[1])) < 0 ||
					    (lo = hex_value(v[2])) < 0)
						return -1;
					c = (char)(hi * 16 + lo);
					v += 2;
				}
				if (c == '\0' || o + 1 >= size)
					return -1;
				out[o++] = c;
			}
			out[o] = '\0';
			return 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}

/* True when `ct` is the media type `type` with, at most, a UTF-8 charset
 * parameter. */
static bool is_media_type(const char *ct, const char *type)
{
	size_t type_len = strlen(type);
	const char *p;

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, type, type_len) != 0)
		return false;
	p = ct + type_len;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return true;
	if (*p != ';')
		return false;
	/* Only a UTF-8 charset parameter is acceptable (RFC 8259 section 8.1). */
	do {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, ";");
		if (strncasecmp(p, "charset=", 8) == 0) {
			const char *v = p + 8;
			size_t vlen = len - 8;
			while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (!((vlen == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
			      (vlen == 4 && strncasecmp(v, "utf8", 4) == 0)))
				return false;
		}
		p += len;
	} while (*p == ';');
	return true;
}

bool ts_http_is_json_type(const char *ct)
{
	return is_media_type(ct, "application/json");
}

bool ts_http_is_merge_patch_type(const char *ct)
{
	return is_media_type(ct, "application/merge-patch+json") ||
	       is_media_type(ct, "application/json");
}
