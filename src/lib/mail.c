/* mail.c -- e-mail as tasksched sends it: RFC 5321 mailboxes, and the
 * MIME text of a message. Header injection is impossible by construction:
 * addresses are checked to hold no white space or control characters,
 * the subject is sent as RFC 2047 encoded words whenever it is not plain
 * printable ASCII, and bodies are quoted-printable, whose output never
 * holds a bare line break, a line over 76 characters or the boundary. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

#define LOCAL_PART_MAX 64
#define DOMAIN_MAX 255
/* RFC 2047: an encoded word is at most 75 characters. */
#define ENCODED_WORD_MAX 75
/* RFC 2045: a quoted-printable line is at most 76 characters. */
#define QP_LINE_MAX 76

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 5321 atext (RFC 5322 section 3.2.3). */
static bool is_atext(char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Dot-string = Atom *("." Atom) */
static bool dot_string_ok(const char *s, size_t n)
{
	bool atom_start = true;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (atom_start)
				return false;
			atom_start = true;
		} else if (is_atext(s[i])) {
			atom_start = false;
		} else {
			return false;
		}
	}
	return n > 0 && !atom_start;
}

/* Quoted-string = DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE */
static bool quoted_string_ok(const char *s, size_t n)
{
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	for (size_t i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\') {
			if (++i >= n - 1 || s[i] < 32 || s[i] > 126)
				return false;
		} else if (c < 32 || c > 126 || c == '"') {
			return false;
		}
	}
	return true;
}

/* Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str] */
static bool domain_ok(const char *s, size_t n)
{
	size_t label = 0;

	if (n == 0 || n > DOMAIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_alnum(s[i]) || (s[i] == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && s[n - 1] != '-';
}

/* address-literal = "[" ( IPv4 / "IPv6:" IPv6 ) "]" */
static bool address_literal_ok(const char *s, size_t n)
{
	char text[INET6_ADDRSTRLEN + 8];
	unsigned char addr[16];

	if (n < 3 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof(text))
		return false;
	memcpy(text, s + 1, n - 2);
	text[n - 2] = '\0';
	if (strncmp(text, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, text + 5, addr) == 1;
	return inet_pton(AF_INET, text, addr) == 1;
}

bool ts_mail_address_valid(const char *addr)
{
	size_t n = strlen(addr);
	const char *at = strrchr(addr, '@');

	if (!at || n > TS_MAIL_ADDRESS_MAX)
		return false;
	size_t local = (size_t)(at - addr), dom = n - local - 1;
	if (local == 0 || local > LOCAL_PART_MAX)
		return false;
	if (!dot_string_ok(addr, local) && !quoted_string_ok(addr, local))
		return false;
	return domain_ok(at + 1, dom) || address_literal_ok(at + 1, dom);
}

bool ts_mail_subject_valid(const char *subject)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)subject; *p; p++, n++) {
		if (*p < 32 || *p == 127)
			return false;
	}
	return n <= TS_MAIL_SUBJECT_MAX;
}

/* A growing output buffer; `failed` once an allocation failed. */
struct buf {
	char *data;
	size_t len, cap;
	bool failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *grown = realloc(b->data, cap);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void printf_(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(struct buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		b->failed = true;
	else
		put(b, line, (size_t)n);
}

static const char hex[] = "0123456789ABCDEF";

/* Length of the UTF-8 sequence that starts with byte `c` (1 for anything
 * else: the JSON layer has checked the text is UTF-8). */
static size_t utf8_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Characters a Q-encoded word may carry as they are (RFC 2047 5(3)). */
static bool q_plain(unsigned char c)
{
	return is_alnum((char)c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* "Subject: " and the subject: as it is when it is printable ASCII and
 * fits a line, else as Q-encoded words of whole UTF-8 characters, one per
 * folded line. */
static void put_subject(struct buf *b, const char *subject)
{
	static const char open[] = "=?UTF-8?Q?", close[] = "?=";
	const unsigned char *p = (const unsigned char *)subject;
	size_t n = strlen(subject), word = 0;
	/* The first word shares its line with "Subject: ". */
	size_t word_max = ENCODED_WORD_MAX - 9;
	bool plain = n <= 78 - 9;

	for (size_t i = 0; plain && i < n; i++)
		plain = p[i] >= 32 && p[i] < 127 && !(p[i] == '=' && p[i + 1] == '?');
	puts_(b, "Subject:");
	if (plain) {
		printf_(b, " %s\r\n", subject);
		return;
	}
	for (size_t i = 0; i < n;) {
		char enc[4 * 3 + 1];
		size_t len = 0, clen = utf8_len(p[i]);
		if (clen > n - i)
			clen = n - i;
		for (size_t k = 0; k < clen; k++) {
			unsigned char c = p[i + k];
			if (c == ' ') {
				enc[len++] = '_';
			} else if (q_plain(c)) {
				enc[len++] = (char)c;
			} else {
				enc[len++] = '=';
				enc[len++] = hex[c >> 4];
				enc[len++] = hex[c & 15];
			}
		}
		if (word && word + len + sizeof(close) - 1 > word_max) {
			puts_(b, close);
			puts_(b, "\r\n");
			word = 0;
			word_max = ENCODED_WORD_MAX;
		}
		if (!word) {
			puts_(b, " ");
			puts_(b, open);
			word = sizeof(open) - 1;
		}
		put(b, enc, len);
		word += len;
		i += clen;
	}
	if (word)
		puts_(b, close);
	puts_(b, "\r\n");
}

/* Appends `text` quoted-printable (RFC 2045 6.7), every line break of it
 * (CRLF, LF or CR) a hard CRLF, lines at most QP_LINE_MAX long. */
static void put_qp(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;

	for (; *p; p++) {
		char enc[3];
		size_t len;
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			puts_(b, "\r\n");
			col = 0;
			continue;
		}
		bool at_eol = !p[1] || p[1] == '\r' || p[1] == '\n';
		bool literal = (*p >= 33 && *p <= 126 && *p != '=') ||
			       ((*p == ' ' || *p == '\t') && !at_eol);
		if (literal) {
			enc[0] = (char)*p;
			len = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			len = 3;
		}
		/* Room for a soft break "=" unless this is the line's last. */
		if (col + len > QP_LINE_MAX - (at_eol ? 0 : 1)) {
			puts_(b, "=\r\n");
			col = 0;
		}
		put(b, enc, len);
		col += len;
	}
	if (col > 0 || !*text)
		puts_(b, "\r\n");
}

static void put_part_header(struct buf *b, const char *subtype)
{
	printf_(b, "Content-Type: text/%s; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: quoted-printable\r\n", subtype);
}

/* RFC 5322 date-time in UTC, with English names whatever the locale. */
static void put_date(struct buf *b, time_t t)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	printf_(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
		tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		tm.tm_sec);
}

static void put_headers(struct buf *b, const struct ts_mail *m)
{
	const char *domain = strrchr(m->from, '@');

	put_date(b, m->date);
	printf_(b, "From: <%s>\r\n", m->from);
	for (size_t i = 0; i < m->to_count; i++)
		printf_(b, "%s<%s>%s", i ? " " : "To: ", m->to[i],
			i + 1 < m->to_count ? ",\r\n" : "\r\n");
	if (m->reply_to)
		printf_(b, "Reply-To: <%s>\r\n", m->reply_to);
	put_subject(b, m->subject);
	printf_(b, "Message-ID: <%s.%d.%s@%s>\r\n", m->task_id, m->attempt, m->unique,
		domain ? domain + 1 : "localhost");
	printf_(b, "MIME-Version: 1.0\r\n"
		   "X-Tasksched-Task-Id: %s\r\n"
		   "X-Tasksched-Attempt: %d\r\n", m->task_id, m->attempt);
}

enum ts_err ts_mail_build(const struct ts_mail *m, char **out, size_t *len,
			  struct ts_error *err)
{
	struct buf b = { 0 };

	*out = NULL;
	*len = 0;
	put_headers(&b, m);
	if (!m->html) {
		put_part_header(&b, "plain");
		puts_(&b, "\r\n");
		put_qp(&b, m->text);
	} else {
		/* "=_" never occurs in quoted-printable text: '=' is always
		 * "=3D" there, or a soft break "=\r\n". */
		printf_(&b, "Content-Type: multipart/alternative; boundary=\"=_ts_%s\"\r\n\r\n",
			m->unique);
		printf_(&b, "--=_ts_%s\r\n", m->unique);
		put_part_header(&b, "plain");
		puts_(&b, "\r\n");
		put_qp(&b, m->text);
		printf_(&b, "--=_ts_%s\r\n", m->unique);
		put_part_header(&b, "html");
		puts_(&b, "\r\n");
		put_qp(&b, m->html);
		printf_(&b, "--=_ts_%s--\r\n", m->unique);
	}
	if (b.failed) {
		free(b.data);
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	*out = b.data;
	*len = b.len;
	return TS_OK;
}
