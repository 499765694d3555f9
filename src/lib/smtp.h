/* smtp.h -- sending mail through the configured relay, many at once
 * (libcurl's SMTP, in the same poll as the webhooks of a pool). */
#ifndef TS_SMTP_H
#define TS_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "tstime.h"
#include "webhook.h"

#define TS_SMTP_ERROR_MAX 512 /* room for a CA file path kept whole */
#define TS_SMTP_REPLY_MAX 512

/* Mails in flight through one webhook pool. */
struct ts_smtp_client;

enum ts_smtp_tls {
	TS_SMTP_TLS_OFF = 0,     /* plain SMTP (a relay on this host) */
	TS_SMTP_TLS_TRY,         /* STARTTLS when the relay offers it */
	TS_SMTP_TLS_REQUIRED,    /* STARTTLS or no mail (smtps:// is TLS anyway) */
};

struct ts_smtp_options {
	const char *url;          /* smtp://host:port or smtps://host:port */
	const char *from;         /* the envelope sender, a checked mailbox */
	enum ts_smtp_tls tls;
	const char *ca_file;      /* PEM CAs that verify the relay's certificate under TLS */
	long timeout_ms;          /* per mail, connection to the last reply */
};

/* One mail to send. The strings must stay valid until it completes. */
struct ts_smtp_request {
	const char *message;      /* the whole text, CRLF line ends (mail.h) */
	size_t message_len;
	const char *const *rcpt;  /* checked mailboxes */
	size_t rcpt_count;
	void *user;               /* handed back with the response */
};

/* How a mail ended. */
struct ts_smtp_response {
	void *user;
	bool transport_error;                /* no SMTP reply to judge (connection, TLS, timeout) */
	int reply_code;                      /* the relay's last reply code; 0 when none */
	char reply[TS_SMTP_REPLY_MAX];       /* the relay's last reply line */
	char error[TS_SMTP_ERROR_MAX];       /* "" on success */
	ts_time_us started_at, finished_at;
};

/* Creates a client whose mails go through `pool` (which must outlive
 * it); `opts` and its strings are copied. NULL on failure. */
struct ts_smtp_client *ts_smtp_client_new(struct ts_webhook_pool *pool,
					  const struct ts_smtp_options *opts,
					  struct ts_error *err);
/* Aborts the mails in flight and frees the client; NULL is allowed. */
void ts_smtp_client_free(struct ts_smtp_client *c);

/* Starts sending a mail; it progresses inside ts_webhook_wait(). */
enum ts_err ts_smtp_send(struct ts_smtp_client *c, const struct ts_smtp_request *req,
			 struct ts_error *err);

/* Mails started and not yet returned by ts_smtp_next_done. */
unsigned ts_smtp_in_flight(const struct ts_smtp_client *c);

/* Pops one completed mail into `out`; false when none is ready. */
bool ts_smtp_next_done(struct ts_smtp_client *c, struct ts_smtp_response *out);

#endif
