/* notifier.c -- failure notices: claimed from the outbox, sent through the
 * executor's webhook pool, and recorded delivered, to be tried again, or
 * given up on the task's runs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "notifier.h"
#include "retry.h"

/* Notices claimed at once at most: they are few, and each holds a slot. */
#define CLAIM_MAX 16

/* One notice on its way. */
struct sending {
	struct ts_notice notice;          /* owned */
	struct ts_webhook_spec spec;      /* owned; data_json is the body */
	struct sending *next;
};

struct ts_notifier {
	const struct ts_conf *conf;
	struct ts_db *db;
	struct ts_webhook_pool *pool;
	char executor_id[65];
	struct sending *in_flight;
};

struct ts_notifier *ts_notifier_new(const struct ts_conf *conf, struct ts_db *db,
				    struct ts_webhook_pool *pool, const char *executor_id)
{
	struct ts_notifier *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->conf = conf;
	n->db = db;
	n->pool = pool;
	snprintf(n->executor_id, sizeof(n->executor_id), "%s", executor_id);
	return n;
}

static void sending_free(struct sending *s)
{
	ts_webhook_spec_cleanup(&s->spec);
	free(s->notice.target_json);
	free(s->notice.body);
	free(s);
}

void ts_notifier_free(struct ts_notifier *n)
{
	if (!n)
		return;
	while (n->in_flight) {
		struct sending *s = n->in_flight;
		n->in_flight = s->next;
		sending_free(s);
	}
	free(n);
}

bool ts_notifier_owns(const struct ts_notifier *n, const void *user)
{
	for (const struct sending *s = n ? n->in_flight : NULL; s; s = s->next) {
		if (s == user)
			return true;
	}
	return false;
}

/* Forgets `s` (in the in-flight list) and frees it. */
static void forget(struct ts_notifier *n, struct sending *s)
{
	for (struct sending **p = &n->in_flight; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	sending_free(s);
}

/* Gives a notice up: recorded on its task's runs. */
static void give_up(struct ts_notifier *n, const struct ts_notice *notice, int http_status,
		    const char *why, ts_time_us started, ts_time_us finished)
{
	char error[TS_RUN_ERROR_MAX];
	struct ts_notice_failure f = { .http_status = http_status, .error = error,
				       .started_at = started, .finished_at = finished };
	struct ts_error err;

	snprintf(error, sizeof(error), "on_failure notice not delivered (try %d of %d): %s",
		 notice->tries, TS_NOTICE_TRIES_MAX, why);
	ts_log(TS_LOG_WARNING, notice->task_id, "%s", error);
	ts_error_clear(&err);
	if (ts_db_notice_give_up(n->db, n->executor_id, notice, &f, &err) != TS_OK)
		ts_log(TS_LOG_WARNING, notice->task_id, "cannot record the notice's failure "
		       "(it is tried again when its lease expires): %s", err.message);
}

/* Tries a notice again later, or gives it up after its last try. */
static void try_again(struct ts_notifier *n, const struct ts_notice *notice, int http_status,
		      int64_t retry_after_ms, const char *why, ts_time_us started,
		      ts_time_us finished)
{
	struct ts_error err;
	int64_t delay;

	if (notice->tries >= TS_NOTICE_TRIES_MAX) {
		give_up(n, notice, http_status, why, started, finished);
		return;
	}
	delay = ts_retry_delay_ms(notice->tries, n->conf->retry_base_ms, n->conf->retry_cap_ms,
				  retry_after_ms, ts_retry_random());
	ts_log(TS_LOG_INFO, notice->task_id, "on_failure notice, try %d: %s; again in %lld ms",
	       notice->tries, why, (long long)delay);
	ts_error_clear(&err);
	if (ts_db_notice_again(n->db, n->executor_id, notice, delay, &err) != TS_OK)
		ts_log(TS_LOG_WARNING, notice->task_id, "cannot reschedule the notice (it is "
		       "tried again when its lease expires): %s", err.message);
}

/* Starts the request of `s`; false (and `s` freed) when it could not be. */
static bool start(struct ts_notifier *n, struct sending *s)
{
	struct ts_error err;
	struct ts_webhook_request req;
	ts_time_us now = ts_time_now();

	ts_error_clear(&err);
	if (ts_json_parse_notice_target(s->notice.target_json, &s->spec, &err) != TS_OK) {
		give_up(n, &s->notice, 0, err.message, now, now);
		sending_free(s);
		return false;
	}
	/* The spec owns the body now; POST, as the method is left unset. */
	s->spec.data_json = s->notice.body;
	s->notice.body = NULL;
	req = (struct ts_webhook_request){
		.spec = &s->spec, .task_id = s->notice.task_id, .attempt = s->notice.attempt,
		.timeout_ms = (long)n->conf->webhook_timeout_ms, .user = s,
	};
	if (ts_webhook_start(n->pool, &req, &err) != TS_OK) {
		try_again(n, &s->notice, 0, -1, err.message, now, now);
		sending_free(s);
		return false;
	}
	s->next = n->in_flight;
	n->in_flight = s;
	return true;
}

enum ts_err ts_notifier_send_due(struct ts_notifier *n, size_t room, struct ts_error *err)
{
	struct ts_notice *notices = NULL;
	size_t count = 0;
	enum ts_err rc;

	if (room == 0)
		return TS_OK;
	if (room > CLAIM_MAX)
		room = CLAIM_MAX;
	rc = ts_db_notices_claim(n->db, n->executor_id, (unsigned)room,
				 n->conf->executor_lease_seconds, &notices, &count, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < count; i++) {
		struct sending *s = calloc(1, sizeof(*s));
		if (!s) {
			ts_log(TS_LOG_ERROR, notices[i].task_id, "out of memory; the notice is "
			       "tried again when its lease expires");
			continue;
		}
		s->notice = notices[i];
		memset(&notices[i], 0, sizeof(notices[i]));  /* moved to s */
		start(n, s);
	}
	ts_notice_array_free(notices, count);
	return TS_OK;
}

void ts_notifier_done(struct ts_notifier *n, const struct ts_webhook_response *r)
{
	struct sending *s = r->user;
	struct ts_error err;
	enum ts_retry_class cls = r->refused ? TS_RETRY_PERMANENT
					     : ts_retry_classify(r->http_status, r->transport_error);

	if (cls == TS_RETRY_SUCCESS) {
		ts_log(TS_LOG_INFO, s->notice.task_id, "on_failure notice delivered: HTTP %d",
		       r->http_status);
		ts_error_clear(&err);
		if (ts_db_notice_delivered(n->db, n->executor_id, &s->notice, &err) != TS_OK)
			ts_log(TS_LOG_WARNING, s->notice.task_id, "cannot record the notice as "
			       "delivered (it may be sent again): %s", err.message);
	} else if (cls == TS_RETRY_TRANSIENT) {
		try_again(n, &s->notice, r->http_status, r->retry_after_ms, r->error,
			  r->started_at, r->finished_at);
	} else {
		give_up(n, &s->notice, r->http_status, r->error, r->started_at, r->finished_at);
	}
	forget(n, s);
}
