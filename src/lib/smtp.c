/* smtp.c -- sending mail through the configured relay with libcurl's
 * SMTP, its transfers in a webhook pool's multi handle (webhook_internal.h)
 * so one poll drives webhooks and mail alike. Only smtp and smtps; no
 * proxy from the environment. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "smtp.h"
#include "webhook_internal.h"

/* One mail on its way. */
struct mail {
	struct ts_transfer xfer;               /* first: CURLOPT_PRIVATE points here */
	struct ts_smtp_client *client;
	CURL *easy;
	struct curl_slist *rcpt;
	const char *message;
	size_t len, pos;
	struct ts_smtp_response resp;
	struct mail *prev, *next;              /* in flight, or next done */
};

struct ts_smtp_client {
	struct ts_webhook_pool *pool;
	char *url, *from, *ca_file;
	enum ts_smtp_tls tls;
	long timeout_ms;
	struct mail *active;
	struct mail *done_head, *done_tail;
	unsigned in_flight;
};

struct ts_smtp_client *ts_smtp_client_new(struct ts_webhook_pool *pool,
					  const struct ts_smtp_options *opts,
					  struct ts_error *err)
{
	struct ts_smtp_client *c = calloc(1, sizeof(*c));
	char from[300];

	snprintf(from, sizeof(from), "<%s>", opts->from);
	if (!c || !(c->url = strdup(opts->url)) || !(c->from = strdup(from)) ||
	    !(c->ca_file = strdup(opts->ca_file))) {
		ts_smtp_client_free(c);
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	c->pool = pool;
	c->tls = opts->tls;
	c->timeout_ms = opts->timeout_ms;
	return c;
}

static void mail_free(struct mail *m)
{
	if (!m)
		return;
	if (m->easy)
		curl_easy_cleanup(m->easy);
	curl_slist_free_all(m->rcpt);
	free(m);
}

void ts_smtp_client_free(struct ts_smtp_client *c)
{
	if (!c)
		return;
	while (c->active) {
		struct mail *m = c->active;
		c->active = m->next;
		curl_multi_remove_handle(ts_webhook_pool_multi(c->pool), m->easy);
		mail_free(m);
	}
	while (c->done_head) {
		struct mail *m = c->done_head;
		c->done_head = m->next;
		mail_free(m);
	}
	free(c->url);
	free(c->from);
	free(c->ca_file);
	free(c);
}

unsigned ts_smtp_in_flight(const struct ts_smtp_client *c)
{
	return c->in_flight;
}

/* The message text, as curl uploads it (curl dot-stuffs lines that start
 * with "." itself). */
static size_t on_read(char *buf, size_t size, size_t nitems, void *userp)
{
	struct mail *m = userp;
	size_t room = size * nitems, left = m->len - m->pos;
	size_t n = left < room ? left : room;

	memcpy(buf, m->message + m->pos, n);
	m->pos += n;
	return n;
}

/* Each reply line of the relay: the last one is kept, unless an earlier
 * one refused something (the "221 Bye" after it says less). */
static size_t on_reply(char *data, size_t size, size_t nmemb, void *userp)
{
	struct mail *m = userp;
	size_t n = size * nmemb, keep = n;

	if ((m->resp.reply[0] == '4' || m->resp.reply[0] == '5') && n > 0 && data[0] < '4')
		return n;

	while (keep > 0 && (data[keep - 1] == '\r' || data[keep - 1] == '\n'))
		keep--;
	if (keep >= sizeof(m->resp.reply))
		keep = sizeof(m->resp.reply) - 1;
	for (size_t i = 0; i < keep; i++)
		m->resp.reply[i] = data[i] >= 32 && data[i] < 127 ? data[i] : '?';
	m->resp.reply[keep] = '\0';
	return n;
}

/* curl's words for a TLS failure, prefixed with what it means here:
 * nothing was sent in clear, and what the operator should look at. The
 * CA file's path is kept whole (it is what the operator must check);
 * when the line is too long, curl's words are what is cut. */
static void explain_tls(struct mail *m, CURLcode result)
{
	char said[TS_SMTP_ERROR_MAX];

	snprintf(said, sizeof(said), "%s", m->resp.error[0] ? m->resp.error
							    : curl_easy_strerror(result));
	if (result == CURLE_PEER_FAILED_VERIFICATION)
		snprintf(m->resp.error, sizeof(m->resp.error),
			 "not sent: the relay's certificate could not be verified with %.170s: %.120s",
			 m->client->ca_file, said);
	else if (result == CURLE_USE_SSL_FAILED)
		snprintf(m->resp.error, sizeof(m->resp.error),
			 "not sent: the relay does not offer STARTTLS (smtp_starttls = required): "
			 "%.120s", said);
}

static void ended(struct ts_transfer *t, CURL *easy, CURLcode result)
{
	struct mail *m = (struct mail *)(void *)t;
	struct ts_smtp_client *c = m->client;
	long code = 0;

	if (m->prev)
		m->prev->next = m->next;
	else
		c->active = m->next;
	if (m->next)
		m->next->prev = m->prev;
	c->in_flight--;
	m->resp.finished_at = ts_time_now();
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	m->resp.reply_code = (int)code;
	if (result == CURLE_OK) {
		m->resp.error[0] = '\0';
	} else {
		/* A reply code says the relay judged the mail; without one it is
		 * the way there that failed. */
		m->resp.transport_error = code < 400;
		explain_tls(m, result);
		if (!m->resp.error[0])
			snprintf(m->resp.error, sizeof(m->resp.error), "%s", curl_easy_strerror(result));
		if (code >= 400 && m->resp.reply[0]) {
			size_t used = strlen(m->resp.error);
			snprintf(m->resp.error + used, sizeof(m->resp.error) - used, " (%.200s)",
				 m->resp.reply);
		}
	}
	m->next = NULL;
	if (c->done_tail)
		c->done_tail->next = m;
	else
		c->done_head = m;
	c->done_tail = m;
}

static bool prepare(struct ts_smtp_client *c, struct mail *m, const struct ts_smtp_request *req)
{
	CURL *e = m->easy;

	for (size_t i = 0; i < req->rcpt_count; i++) {
		char addr[300];
		struct curl_slist *grown;
		snprintf(addr, sizeof(addr), "<%s>", req->rcpt[i]);
		if (!(grown = curl_slist_append(m->rcpt, addr)))
			return false;
		m->rcpt = grown;
	}
	m->xfer.ended = ended;
	curl_easy_setopt(e, CURLOPT_PRIVATE, m);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_USE_SSL, c->tls == TS_SMTP_TLS_REQUIRED ? (long)CURLUSESSL_ALL
					     : c->tls == TS_SMTP_TLS_TRY ? (long)CURLUSESSL_TRY
									 : (long)CURLUSESSL_NONE);
	/* Only the configured CAs: no CA directory besides them. */
	curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, c->from);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, m->rcpt);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(e, CURLOPT_READDATA, m);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->message_len);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_reply);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, m);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms < 10000 ? c->timeout_ms : 10000L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m->resp.error);
	return true;
}

enum ts_err ts_smtp_send(struct ts_smtp_client *c, const struct ts_smtp_request *req,
			 struct ts_error *err)
{
	struct mail *m = calloc(1, sizeof(*m));

	if (!m || !(m->easy = curl_easy_init()) || !prepare(c, m, req)) {
		mail_free(m);
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	m->client = c;
	m->message = req->message;
	m->len = req->message_len;
	m->resp.user = req->user;
	m->resp.started_at = ts_time_now();
	if (curl_multi_add_handle(ts_webhook_pool_multi(c->pool), m->easy) != CURLM_OK) {
		mail_free(m);
		return ts_error_set(err, TS_ERR_INTERNAL, "curl", NULL, "curl_multi_add_handle failed");
	}
	m->next = c->active;
	if (c->active)
		c->active->prev = m;
	c->active = m;
	c->in_flight++;
	return TS_OK;
}

bool ts_smtp_next_done(struct ts_smtp_client *c, struct ts_smtp_response *out)
{
	struct mail *m = c->done_head;

	if (!m)
		return false;
	c->done_head = m->next;
	if (!c->done_head)
		c->done_tail = NULL;
	*out = m->resp;
	mail_free(m);
	return true;
}
