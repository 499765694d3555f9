/* webhook.c -- firing webhooks, many at once (libcurl's multi interface).
 * The only file that includes libcurl. No shell, no redirects, only
 * http and https. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "sign.h"
#include "webhook.h"
#include "webhook_internal.h"

/* One transfer: its easy handle (kept for reuse, with its connection) and
 * what must live until it completes. */
struct slot {
	struct ts_transfer xfer;               /* ended == NULL: a webhook */
	CURL *easy;
	struct curl_slist *headers;
	char *url;
	size_t excerpt_len;
	char retry_after[64];
	bool host_allowed;                     /* allow-listed by name */
	char refused[160];                     /* why the guard refused, if it did */
	const struct ts_netguard *guard;
	struct ts_webhook_response resp;
	struct slot *next;                     /* idle or done list */
	struct slot *prev_active, *next_active; /* in-flight list */
};

struct ts_webhook_pool {
	CURLM *multi;
	char *user_agent;
	const struct ts_netguard *guard;
	char *tasksched_secret;         /* NULL: no X-Tasksched-Signature */
	struct ts_sign_key std_keys[TS_WEBHOOK_SIGN_KEYS_MAX];
	size_t std_key_count;           /* 0: no Standard Webhooks headers */
	struct slot *idle;              /* finished slots, ready for reuse */
	struct slot *done_head, *done_tail;
	struct slot *active;            /* in flight */
	unsigned in_flight;
};

static void active_add(struct ts_webhook_pool *pool, struct slot *s)
{
	s->prev_active = NULL;
	s->next_active = pool->active;
	if (pool->active)
		pool->active->prev_active = s;
	pool->active = s;
}

static void active_remove(struct ts_webhook_pool *pool, struct slot *s)
{
	if (s->prev_active)
		s->prev_active->next_active = s->next_active;
	else
		pool->active = s->next_active;
	if (s->next_active)
		s->next_active->prev_active = s->prev_active;
	s->prev_active = s->next_active = NULL;
}

/* Reads the signing options into the pool: the secret of our own scheme,
 * and the keys of the Standard Webhooks one. */
static enum ts_err setup_signing(struct ts_webhook_pool *pool,
				 const struct ts_webhook_options *opts, struct ts_error *err)
{
	const char *scheme = opts->signature_scheme ? opts->signature_scheme : "tasksched";
	const char *p = opts->signing_secret ? opts->signing_secret : "";
	bool ours = strcmp(scheme, "standard") != 0;
	size_t first_len;

	if (strcmp(scheme, "tasksched") == 0) {
		if (*p && !(pool->tasksched_secret = strdup(p)))
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return TS_OK;
	}
	if (strcmp(scheme, "both") != 0 && ours)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "webhook_signature_scheme",
				    "unknown signature scheme '%s'", scheme);
	p += strspn(p, " \t");
	first_len = strcspn(p, " \t");
	if (!*p)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_value", "webhook_signing_secret",
				    "the %s signature scheme needs a whsec_ secret", scheme);
	if (ours && !(pool->tasksched_secret = strndup(p, first_len)))
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	while (*p) {
		size_t n = strcspn(p, " \t");
		if (pool->std_key_count == TS_WEBHOOK_SIGN_KEYS_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value",
					    "webhook_signing_secret",
					    "more than %d Standard Webhooks secrets",
					    TS_WEBHOOK_SIGN_KEYS_MAX);
		if (ts_sign_standard_key(p, n, &pool->std_keys[pool->std_key_count++], err) != TS_OK)
			return err ? err->status : TS_ERR_INVALID;
		p += n;
		p += strspn(p, " \t");
	}
	return TS_OK;
}

struct ts_webhook_pool *ts_webhook_pool_new(const struct ts_webhook_options *opts,
					    struct ts_error *err)
{
	const char *user_agent = opts->user_agent;
	static bool curl_ready;
	struct ts_webhook_pool *pool;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			ts_error_set(err, TS_ERR_INTERNAL, "curl", NULL, "curl_global_init failed");
			return NULL;
		}
		curl_ready = true;
	}
	pool = calloc(1, sizeof(*pool));
	if (!pool || !(pool->user_agent = strdup(user_agent)) ||
	    !(pool->multi = curl_multi_init())) {
		if (pool)
			free(pool->user_agent);
		free(pool);
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	pool->guard = opts->guard;
	if (setup_signing(pool, opts, err) != TS_OK) {
		ts_webhook_pool_free(pool);
		return NULL;
	}
	return pool;
}

static void slot_release(struct slot *s)
{
	curl_slist_free_all(s->headers);
	s->headers = NULL;
	free(s->url);
	s->url = NULL;
}

static void slot_free(struct slot *s)
{
	slot_release(s);
	if (s->easy)
		curl_easy_cleanup(s->easy);
	free(s);
}

static void free_list(struct slot *s)
{
	while (s) {
		struct slot *next = s->next;
		slot_free(s);
		s = next;
	}
}

void ts_webhook_pool_free(struct ts_webhook_pool *pool)
{
	if (!pool)
		return;
	while (pool->active) {
		struct slot *s = pool->active;
		active_remove(pool, s);
		curl_multi_remove_handle(pool->multi, s->easy);
		slot_free(s);
	}
	free_list(pool->idle);
	free_list(pool->done_head);
	curl_multi_cleanup(pool->multi);
	free(pool->user_agent);
	if (pool->tasksched_secret) {
		explicit_bzero(pool->tasksched_secret, strlen(pool->tasksched_secret));
		free(pool->tasksched_secret);
	}
	explicit_bzero(pool->std_keys, sizeof(pool->std_keys));
	free(pool);
}

unsigned ts_webhook_in_flight(const struct ts_webhook_pool *pool)
{
	return pool->in_flight;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct slot *s = userp;
	size_t n = size * nmemb;
	size_t room = TS_WEBHOOK_EXCERPT_MAX - s->excerpt_len;
	size_t keep = n < room ? n : room;

	for (size_t i = 0; i < keep; i++) {
		char c = data[i];
		s->resp.excerpt[s->excerpt_len++] = c ? c : '?';
	}
	s->resp.excerpt[s->excerpt_len] = '\0';
	/* The rest is read and dropped: memory stays bounded, and the
	 * timeout bounds the time. */
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct slot *s = userp;
	size_t n = size * nmemb;

	if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
		size_t len = n - 12;
		const char *v = data + 12;
		while (len > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)v[len - 1]))
			len--;
		if (len >= sizeof(s->retry_after))
			len = sizeof(s->retry_after) - 1;
		memcpy(s->retry_after, v, len);
		s->retry_after[len] = '\0';
	} else if (n > 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* a new response (after a 1xx): forget the previous headers */
		s->retry_after[0] = '\0';
	}
	return n;
}

/* Every connection is opened here, after name resolution, once per
 * address tried: the guard judges the address actually connected to, so
 * neither a name nor a DNS answer that changes (rebinding) gets around it. */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose,
				    struct curl_sockaddr *address)
{
	struct slot *s = clientp;

	if (purpose == CURLSOCKTYPE_IPCXN && !s->host_allowed) {
		const char *why = ts_netguard_refusal(s->guard, &address->addr);
		if (why) {
			char text[INET6_ADDRSTRLEN] = "?";
			const struct sockaddr *sa = &address->addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
					  text, sizeof(text));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6,
					  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
					  text, sizeof(text));
			snprintf(s->refused, sizeof(s->refused),
				 "refused to connect to %s: a %s address (see webhook_allow)",
				 text, why);
			return CURL_SOCKET_BAD;
		}
	}
	return socket(address->family, address->socktype, address->protocol);
}

/* The host of `url` as curl will see it, without IPv6 brackets. */
static bool url_host(const char *url, char *out, size_t size)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool ok = false;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		size_t n = strlen(host);
		const char *h = host;
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
			h++;
			n -= 2;
		}
		if (n < size) {
			memcpy(out, h, n);
			out[n] = '\0';
			ok = true;
		}
	}
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

static struct curl_slist *append_line(struct curl_slist *list, const char *line, bool *ok)
{
	struct curl_slist *grown = curl_slist_append(list, line);

	if (!grown) {
		*ok = false;
		return list;
	}
	return grown;
}

/* Sends the header "Name: value" (curl's "Name;" for an empty value, which
 * is sent as "Name:" with nothing after it). */
static struct curl_slist *add_header(struct curl_slist *list, const char *name,
				     const char *value, bool *ok)
{
	char line[TS_HEADER_LINE_MAX];

	if (*value)
		snprintf(line, sizeof(line), "%s: %s", name, value);
	else
		snprintf(line, sizeof(line), "%s;", name);
	return append_line(list, line, ok);
}

/* Keeps curl from sending a header it would add on its own: "Name:" with
 * no value removes it, unlike "Name;" above. */
static struct curl_slist *drop_header(struct curl_slist *list, const char *name, bool *ok)
{
	char line[TS_HEADER_LINE_MAX];

	snprintf(line, sizeof(line), "%s:", name);
	return append_line(list, line, ok);
}

static bool has_header(const struct ts_webhook_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->header_count; i++) {
		if (strcasecmp(spec->headers[i].name, name) == 0)
			return true;
	}
	return false;
}

/* The URL with `data`'s fields appended as a query string (for GET). */
static char *url_with_query(CURL *easy, const struct ts_webhook_spec *spec)
{
	size_t base_len = strcspn(spec->url, "#");
	size_t cap = base_len + 2;
	char *url, *p;
	char **names = calloc(spec->query_count + 1, sizeof(char *));
	char **values = calloc(spec->query_count + 1, sizeof(char *));
	bool ok = names && values;

	for (size_t i = 0; ok && i < spec->query_count; i++) {
		names[i] = curl_easy_escape(easy, spec->query[i].name, 0);
		values[i] = curl_easy_escape(easy, spec->query[i].value, 0);
		ok = names[i] && values[i];
		if (ok)
			cap += strlen(names[i]) + strlen(values[i]) + 2;
	}
	url = ok ? malloc(cap) : NULL;
	if (url) {
		memcpy(url, spec->url, base_len);
		p = url + base_len;
		char sep = memchr(spec->url, '?', base_len) ? '&' : '?';
		for (size_t i = 0; i < spec->query_count; i++) {
			p += sprintf(p, "%c%s=%s", sep, names[i], values[i]);
			sep = '&';
		}
		*p = '\0';
	}
	for (size_t i = 0; names && values && i < spec->query_count; i++) {
		curl_free(names[i]);
		curl_free(values[i]);
	}
	free(names);
	free(values);
	return url;
}

/* The signature headers of the configured schemes, all over one
 * timestamp: X-Tasksched-Signature, and the Standard Webhooks webhook-id
 * ("<task id>.<attempt>"), webhook-timestamp and webhook-signature (one
 * "v1,..." per secret, separated by spaces). */
static enum ts_err add_signatures(struct ts_webhook_pool *pool, struct slot *s,
				  const struct ts_webhook_request *req, const char *body,
				  bool *ok, struct ts_error *err)
{
	long long now = (long long)time(NULL);
	size_t body_len = strlen(body);

	if (pool->tasksched_secret) {
		char sig[TS_SIGNATURE_MAX];
		if (ts_sign_webhook(pool->tasksched_secret, strlen(pool->tasksched_secret), now,
				    body, body_len, sig, err) != TS_OK)
			return err ? err->status : TS_ERR_INTERNAL;
		s->headers = add_header(s->headers, "X-Tasksched-Signature", sig, ok);
	}
	if (pool->std_key_count) {
		char msg_id[TS_ID_TEXT_MAX + 16], stamp[24];
		char sigs[TS_WEBHOOK_SIGN_KEYS_MAX * TS_STANDARD_SIGNATURE_MAX] = "";
		size_t used = 0;
		snprintf(msg_id, sizeof(msg_id), "%s.%d", req->task_id, req->attempt);
		snprintf(stamp, sizeof(stamp), "%lld", now);
		for (size_t i = 0; i < pool->std_key_count; i++) {
			char sig[TS_STANDARD_SIGNATURE_MAX];
			if (ts_sign_standard(&pool->std_keys[i], msg_id, now, body, body_len, sig,
					     err) != TS_OK)
				return err ? err->status : TS_ERR_INTERNAL;
			used += (size_t)snprintf(sigs + used, sizeof(sigs) - used, "%s%s",
						 i ? " " : "", sig);
		}
		s->headers = add_header(s->headers, "webhook-id", msg_id, ok);
		s->headers = add_header(s->headers, "webhook-timestamp", stamp, ok);
		s->headers = add_header(s->headers, "webhook-signature", sigs, ok);
	}
	return TS_OK;
}

static enum ts_err prepare(struct ts_webhook_pool *pool, struct slot *s,
			   const struct ts_webhook_request *req, struct ts_error *err)
{
	const struct ts_webhook_spec *spec = req->spec;
	const char *method = spec->method ? spec->method : "POST";
	bool is_get = strcmp(method, "GET") == 0;
	const char *body = !is_get && spec->data_json ? spec->data_json : "";
	char attempt[16];
	char host[TS_NETGUARD_HOST_MAX + 1];
	bool ok = true;
	CURL *e = s->easy;

	s->guard = pool->guard;
	s->host_allowed = !pool->guard ||
			  (url_host(spec->url, host, sizeof(host)) &&
			   ts_netguard_host_allowed(pool->guard, host));

	if (!has_header(spec, "Content-Type"))
		s->headers = add_header(s->headers, "Content-Type", "application/json", &ok);
	for (size_t i = 0; i < spec->header_count; i++)
		s->headers = add_header(s->headers, spec->headers[i].name,
					spec->headers[i].value, &ok);
	snprintf(attempt, sizeof(attempt), "%d", req->attempt);
	s->headers = add_header(s->headers, "X-Tasksched-Task-Id", req->task_id, &ok);
	s->headers = add_header(s->headers, "X-Tasksched-Attempt", attempt, &ok);
	if (add_signatures(pool, s, req, body, &ok, err) != TS_OK)
		return err ? err->status : TS_ERR_INTERNAL;
	/* No "Expect: 100-continue" round trip before larger bodies, and no
	 * Expect header at all: "Expect:" (colon, no value) is curl's way to
	 * drop a header it would add itself. Node.js answers 417 to any
	 * Expect other than 100-continue, so an empty one must never go out.
	 * A user's own Expect header is sent as given. */
	if (!has_header(spec, "Expect"))
		s->headers = drop_header(s->headers, "Expect", &ok);
	if (!ok)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");

	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* No proxy from the environment: the guard must see the real target. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
	curl_easy_setopt(e, CURLOPT_USERAGENT, pool->user_agent);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms < 10000 ? req->timeout_ms : 10000L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->resp.error);

	if (is_get) {
		s->url = url_with_query(e, spec);
		if (!s->url)
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		curl_easy_setopt(e, CURLOPT_URL, s->url);
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return TS_OK;
	}
	curl_easy_setopt(e, CURLOPT_URL, spec->url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	if (strcasecmp(method, "POST") != 0) {
		char upper[16];
		size_t i;
		for (i = 0; method[i] && i < sizeof(upper) - 1; i++)
			upper[i] = (char)toupper((unsigned char)method[i]);
		upper[i] = '\0';
		/* CUSTOMREQUEST copies the string. */
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, upper);
	}
	return TS_OK;
}

enum ts_err ts_webhook_start(struct ts_webhook_pool *pool, const struct ts_webhook_request *req,
			     struct ts_error *err)
{
	struct slot *s = pool->idle;
	enum ts_err rc;

	if (s) {
		pool->idle = s->next;
		curl_easy_reset(s->easy);
	} else {
		s = calloc(1, sizeof(*s));
		if (!s || !(s->easy = curl_easy_init())) {
			free(s);
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		}
	}
	s->next = NULL;
	s->excerpt_len = 0;
	s->retry_after[0] = '\0';
	s->refused[0] = '\0';
	memset(&s->resp, 0, sizeof(s->resp));
	s->resp.user = req->user;
	s->resp.retry_after_ms = -1;
	rc = prepare(pool, s, req, err);
	if (rc == TS_OK && curl_multi_add_handle(pool->multi, s->easy) != CURLM_OK)
		rc = ts_error_set(err, TS_ERR_INTERNAL, "curl", NULL, "curl_multi_add_handle failed");
	if (rc) {
		slot_release(s);
		s->next = pool->idle;
		pool->idle = s;
		return rc;
	}
	s->resp.started_at = ts_time_now();
	active_add(pool, s);
	pool->in_flight++;
	return TS_OK;
}

int64_t ts_webhook_parse_retry_after(const char *value, time_t now)
{
	const char *p = value;
	time_t when;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		int64_t secs = 0;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (secs > TS_RETRY_AFTER_SECS_MAX)
				return TS_RETRY_AFTER_SECS_MAX * 1000;
			secs = secs * 10 + (*p - '0');
		}
		while (*p == ' ' || *p == '\t')
			p++;
		return *p ? -1 : secs * 1000;
	}
	/* An HTTP-date (IMF-fixdate, or the obsolete forms curl also reads). */
	when = curl_getdate(value, NULL);
	if (when == -1)
		return -1;
	return when > now ? (int64_t)(when - now) * 1000 : 0;
}

static void complete(struct ts_webhook_pool *pool, CURL *easy, CURLcode result)
{
	struct slot *s = NULL;
	long status = 0;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&s);
	curl_multi_remove_handle(pool->multi, easy);
	if (!s)
		return;
	active_remove(pool, s);
	pool->in_flight--;
	s->resp.finished_at = ts_time_now();
	if (result == CURLE_OK) {
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		s->resp.http_status = (int)status;
		s->resp.error[0] = '\0';
		if (s->retry_after[0])
			s->resp.retry_after_ms = ts_webhook_parse_retry_after(s->retry_after, time(NULL));
		if (status >= 300)
			snprintf(s->resp.error, sizeof(s->resp.error), "HTTP %ld", status);
	} else if (s->refused[0]) {
		s->resp.transport_error = true;
		s->resp.refused = true;
		snprintf(s->resp.error, sizeof(s->resp.error), "%s", s->refused);
	} else {
		s->resp.transport_error = true;
		if (!s->resp.error[0])
			snprintf(s->resp.error, sizeof(s->resp.error), "%s", curl_easy_strerror(result));
	}
	slot_release(s);
	if (pool->done_tail)
		pool->done_tail->next = s;
	else
		pool->done_head = s;
	pool->done_tail = s;
}

enum ts_err ts_webhook_wait(struct ts_webhook_pool *pool, int timeout_ms, struct ts_error *err)
{
	return ts_webhook_wait_fds(pool, timeout_ms, NULL, 0, err);
}

enum ts_err ts_webhook_wait_fds(struct ts_webhook_pool *pool, int timeout_ms, const int *fds,
				unsigned nfds, struct ts_error *err)
{
	int running = 0, queued;
	CURLMsg *msg;
	struct curl_waitfd extra[TS_WEBHOOK_WAIT_FDS_MAX];

	if (nfds > TS_WEBHOOK_WAIT_FDS_MAX)
		nfds = TS_WEBHOOK_WAIT_FDS_MAX;
	for (unsigned i = 0; i < nfds; i++)
		extra[i] = (struct curl_waitfd){ .fd = fds[i], .events = CURL_WAIT_POLLIN };
	if (curl_multi_poll(pool->multi, extra, nfds, timeout_ms, NULL) != CURLM_OK ||
	    curl_multi_perform(pool->multi, &running) != CURLM_OK)
		return ts_error_set(err, TS_ERR_INTERNAL, "curl", NULL, "curl multi interface failed");
	while ((msg = curl_multi_info_read(pool->multi, &queued))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *easy = msg->easy_handle;
		CURLcode result = msg->data.result;
		struct ts_transfer *t = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		if (t && t->ended) {
			curl_multi_remove_handle(pool->multi, easy);
			t->ended(t, easy, result);
		} else {
			complete(pool, easy, result);
		}
	}
	return TS_OK;
}

CURLM *ts_webhook_pool_multi(struct ts_webhook_pool *pool)
{
	return pool->multi;
}

void ts_webhook_wakeup(struct ts_webhook_pool *pool)
{
	curl_multi_wakeup(pool->multi);
}

bool ts_webhook_next_done(struct ts_webhook_pool *pool, struct ts_webhook_response *out)
{
	struct slot *s = pool->done_head;

	if (!s)
		return false;
	pool->done_head = s->next;
	if (!pool->done_head)
		pool->done_tail = NULL;
	*out = s->resp;
	s->next = pool->idle;
	pool->idle = s;
	return true;
}
