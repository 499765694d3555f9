/* mail.h -- e-mail as tasksched sends it: RFC 5321 mailboxes, and the
 * MIME text of a message (RFC 5322, 2045, 2047). No I/O. */
#ifndef TS_MAIL_H
#define TS_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "errors.h"

/* An RFC 5321 path holds at most 256 octets, "<" and ">" included. */
#define TS_MAIL_ADDRESS_MAX 254
/* A subject of at most this many bytes (UTF-8), a header line's limit. */
#define TS_MAIL_SUBJECT_MAX 998

/* True when `addr` is an RFC 5321 Mailbox: a dot-string or quoted-string
 * local part of at most 64 octets, "@", and a domain name or an address
 * literal ([192.0.2.1], [IPv6:2001:db8::1]); ASCII only, at most
 * TS_MAIL_ADDRESS_MAX octets. Nothing that passes can break out of a
 * header line or an SMTP command. */
bool ts_mail_address_valid(const char *addr);

/* True when `subject` may be a subject: UTF-8 (checked by the caller's
 * JSON layer), no control characters, at most TS_MAIL_SUBJECT_MAX bytes. */
bool ts_mail_subject_valid(const char *subject);

/* One message. Addresses must have passed ts_mail_address_valid(). */
struct ts_mail {
	const char *from;
	const char *const *to;
	size_t to_count;
	const char *reply_to;      /* NULL when none */
	const char *subject;       /* UTF-8 */
	const char *text;          /* UTF-8 */
	const char *html;          /* UTF-8; NULL when none */
	const char *task_id;
	int attempt;
	time_t date;
	const char *unique;        /* letters and digits, unique per message */
};

/* Builds the text of `m` as it goes over SMTP: CRLF line ends; Date,
 * From, To, Reply-To, Subject (RFC 2047 encoded words when it is not
 * plain ASCII or too long), Message-ID <task_id.attempt.unique@domain of
 * from>, MIME-Version, X-Tasksched-Task-Id, X-Tasksched-Attempt; the text
 * alone as text/plain, or text and HTML as multipart/alternative; bodies
 * in UTF-8, quoted-printable. *out is malloc'd (the caller frees it) and
 * NUL-terminated, *len its length. */
enum ts_err ts_mail_build(const struct ts_mail *m, char **out, size_t *len,
			  struct ts_error *err);

#endif
