/* action_email.c -- the "email" action: a MIME message (mail.h) sent
 * through the configured relay (smtp_url, smtp_from, smtp_starttls) with
 * libcurl's SMTP, in the engine's pool beside the webhooks. The relay's
 * reply code is recorded as the run's status: 2xx is success, 4xx is
 * retried, 5xx fails; no reply at all (connection, TLS, timeout) is
 * retried like a network error. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "json.h"
#include "mail.h"
#include "retry.h"
#include "smtp.h"
#include "validate.h"

struct email_state {
	const struct ts_conf *conf;
	struct ts_smtp_client *client;   /* NULL when no relay is configured */
};

/* What a job carries while its mail is in flight. */
struct email_data {
	struct ts_email_spec spec;
	char *message;
	size_t len;
};

static enum ts_smtp_tls tls_of(const char *setting)
{
	if (strcmp(setting, "required") == 0)
		return TS_SMTP_TLS_REQUIRED;
	return strcmp(setting, "try") == 0 ? TS_SMTP_TLS_TRY : TS_SMTP_TLS_OFF;
}

static enum ts_err email_open(const struct ts_action_env *env, void **state,
			      struct ts_error *err)
{
	const struct ts_conf *c = env->conf;
	struct email_state *st = calloc(1, sizeof(*st));

	if (!st)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	st->conf = c;
	*state = st;
	if (!c->smtp_url[0])
		return TS_OK;
	struct ts_smtp_options opts = {
		.url = c->smtp_url, .from = c->smtp_from, .tls = tls_of(c->smtp_starttls),
		.ca_file = c->smtp_ca_file,
		.timeout_ms = (long)c->webhook_timeout_max_ms,
	};
	st->client = ts_smtp_client_new(env->pool, &opts, err);
	return st->client ? TS_OK : (err ? err->status : TS_ERR_NOMEM);
}

static void email_close(void *state)
{
	struct email_state *st = state;

	if (!st)
		return;
	ts_smtp_client_free(st->client);
	free(st);
}

static void data_free(void *p)
{
	struct email_data *d = p;

	ts_email_spec_cleanup(&d->spec);
	free(d->message);
	free(d);
}

/* The message text of attempt `j`, into d->message. */
static enum ts_err build(const struct email_state *st, struct ts_job *j, struct email_data *d,
			 struct ts_error *err)
{
	char unique[17];

	snprintf(unique, sizeof(unique), "%016llx", (unsigned long long)ts_retry_random());
	struct ts_mail m = {
		.from = st->conf->smtp_from, .to = (const char *const *)d->spec.to,
		.to_count = d->spec.to_count, .reply_to = d->spec.reply_to,
		.subject = d->spec.subject, .text = d->spec.text, .html = d->spec.html,
		.task_id = j->task.id, .attempt = j->task.attempts, .date = time(NULL),
		.unique = unique,
	};
	return ts_mail_build(&m, &d->message, &d->len, err);
}

static enum ts_err email_start(void *state, struct ts_job *j, struct ts_error *err)
{
	struct email_state *st = state;
	struct email_data *d = calloc(1, sizeof(*d));
	enum ts_err rc;

	if (!d)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	j->data = d;
	j->data_free = data_free;
	rc = ts_json_parse_email(j->task.payload_json, &d->spec, err);
	if (rc == TS_OK)
		rc = ts_validate_email(&d->spec, err);
	if (rc != TS_OK)
		return rc;
	if (!st->client)
		return ts_error_set(err, TS_ERR_UNAVAILABLE, "not_configured", "smtp_url",
				    "mail is not configured on this executor (smtp_url)");
	rc = build(st, j, d, err);
	if (rc != TS_OK)
		return rc;
	struct ts_smtp_request req = {
		.message = d->message, .message_len = d->len,
		.rcpt = (const char *const *)d->spec.to, .rcpt_count = d->spec.to_count,
		.user = j,
	};
	rc = ts_smtp_send(st->client, &req, err);
	return rc == TS_ERR_INVALID ? TS_ERR_INTERNAL : rc;
}

static unsigned email_in_flight(const void *state)
{
	const struct email_state *st = state;

	return st->client ? ts_smtp_in_flight(st->client) : 0;
}

static bool email_collect(void *state, struct ts_attempt_end *end)
{
	struct email_state *st = state;
	struct ts_smtp_response r;

	if (!st->client || !ts_smtp_next_done(st->client, &r))
		return false;
	struct ts_job *j = r.user;
	j->result.started_at = r.started_at;
	j->result.finished_at = r.finished_at;
	j->result.http_status = r.reply_code;
	snprintf(j->excerpt, sizeof(j->excerpt), "%s", r.reply);
	j->result.excerpt = r.reply[0] ? j->excerpt : NULL;
	snprintf(j->error, sizeof(j->error), "%s", r.error);
	*end = (struct ts_attempt_end){
		.job = j, .transport_error = r.transport_error, .retry_after_ms = -1,
	};
	return true;
}

static enum ts_attempt_class email_classify(const struct ts_attempt_end *end)
{
	int code = end->job->result.http_status;

	if (end->transport_error || (code >= 400 && code < 500))
		return TS_ATTEMPT_RETRY;
	if (code >= 200 && code < 300 && !end->job->error[0])
		return TS_ATTEMPT_SUCCESS;
	return TS_ATTEMPT_FAIL;
}

const struct ts_action_entry ts_action_email = {
	.action = TS_ACTION_EMAIL,
	.open = email_open,
	.close = email_close,
	.start = email_start,
	.in_flight = email_in_flight,
	.collect = email_collect,
	.classify = email_classify,
};
