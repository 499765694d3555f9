/* sink.c -- a scripted HTTP/1.1 webhook receiver for the executor's tests
 * and benchmarks: logs every request and answers as its query string says.
 *
 * One thread, one epoll loop: keep-alive connections, Content-Length
 * bodies, no pipelining (a request that arrives before the previous answer
 * went out waits in the buffer). Answers are scripted statelessly from the
 * request itself, per attempt (the X-Tasksched-Attempt header, 1 if absent):
 *
 *   status=500,200     status (200-599) for attempt 1, 2, ...; the last
 *                      item repeats
 *   delay_ms=3000,0    wait before answering, same list rule; other
 *                      connections are served meanwhile (a timer heap)
 *   body_bytes=N[,..]  size of the response body (default: the body "ok")
 *   retry_after=V      sent as the Retry-After header value (not a list:
 *                      an HTTP-date contains a comma); "date+N" sends the
 *                      HTTP-date N seconds after the answer
 *
 * Each request becomes one line of the log, written when the request has
 * been read (before any delay), tab-separated:
 *
 *   unix_time_us  method  path?query  task_id  attempt  user_agent
 *   content_type  body  [extra headers named by -H, in that order]
 *
 * A missing header or an empty body is "-". Fields are escaped (\t \n \r
 * \\ and \xNN for other control bytes and DEL); the body is cut to -b bytes
 * (default 4096) before escaping and then ends in "...". The log is
 * flushed every -F milliseconds (default 20) while it has something, when
 * its buffer fills, and on SIGTERM/SIGINT, after which the sink exits 0.
 *
 * Build: cc -O2 -o sink tests/sink/sink.c (Linux, libc only).
 * Usage: sink [-a ADDR] [-p PORT] [-P PORTFILE] [-l LOGFILE] [-b BYTES]
 *             [-F MS] [-H HEADER]... [-q]
 * PORT 0 (the default) takes an ephemeral port; PORTFILE receives the
 * port actually bound, written atomically once the sink accepts. */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define HEADER_MAX (64 * 1024)          /* request line and headers */
#define BODY_MAX (16 * 1024 * 1024)     /* request body */
#define RESPONSE_BODY_MAX (64 * 1024 * 1024)
#define LOG_BUF_FLUSH (256 * 1024)      /* flush at once beyond this */
#define READ_CHUNK 16384
#define MAX_EVENTS 256
#define LIST_MAX 64                     /* items of a per-attempt list */
#define EXTRA_MAX 16                    /* -H options */

enum conn_state {
	READING,        /* collecting a request */
	DELAYED,        /* answer built, waiting for its time */
	WRITING,        /* sending the answer */
};

struct conn {
	int fd;
	enum conn_state state;
	char *in;               /* received bytes not yet consumed */
	size_t in_len, in_cap;
	size_t scanned;         /* bytes of `in` searched for the header end */
	char *out;              /* the answer being sent */
	size_t out_len, out_off;
	bool close_after;       /* close once the answer is out */
	bool continue_sent;     /* "100 Continue" already sent for this request */
	int64_t due_us;         /* monotonic time a delayed answer is due */
	size_t heap_idx;        /* position in the timer heap while DELAYED */
};

/* What one request asks for. */
struct request {
	const char *method, *target;
	size_t method_len, target_len;
	const char *task_id, *attempt, *user_agent, *content_type, *connection,
		*expect, *transfer_encoding;
	size_t task_id_len, attempt_len, user_agent_len, content_type_len,
		connection_len, expect_len, transfer_encoding_len;
	bool http10;
	bool has_length;
	unsigned long long content_length;
	size_t header_len;      /* request line and headers, with the blank line */
	const char *extra[EXTRA_MAX];
	size_t extra_len[EXTRA_MAX];
};

static int epfd = -1;
static int log_fd = -1;
static size_t log_body_max = 4096;
static int flush_ms = 20;
static bool quiet;
static const char *extra_names[EXTRA_MAX];
static size_t extra_count;

static char *log_buf;
static size_t log_len, log_cap;
static int64_t log_dirty_since = -1;    /* monotonic us, -1 when empty */

static struct conn **heap;              /* delayed answers, earliest first */
static size_t heap_len, heap_cap;

static unsigned long long n_requests, n_conns;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sink: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die("out of memory");
	return q;
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/* --- the log -------------------------------------------------------------- */

static void log_reserve(size_t more)
{
	if (log_len + more <= log_cap)
		return;
	size_t cap = log_cap ? log_cap : 65536;
	while (cap < log_len + more)
		cap *= 2;
	log_buf = xrealloc(log_buf, cap);
	log_cap = cap;
}

static void log_flush(void)
{
	size_t off = 0;

	while (off < log_len) {
		ssize_t n = write(log_fd, log_buf + off, log_len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* A full disk must not stop the answers the tests wait on. */
			fprintf(stderr, "sink: writing the log: %s\n", strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	log_len = 0;
	log_dirty_since = -1;
}

static void log_raw(const char *s, size_t n)
{
	log_reserve(n);
	memcpy(log_buf + log_len, s, n);
	log_len += n;
}

/* Appends `s` escaped so that it holds no tab, newline or control byte;
 * "-" when `s` is absent or empty. */
static void log_field(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (!s || n == 0) {
		log_raw("-", 1);
		return;
	}
	log_reserve(4 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char *p = log_buf + log_len;
		if (c == '\t' || c == '\n' || c == '\r' || c == '\\') {
			p[0] = '\\';
			p[1] = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
			log_len += 2;
		} else if (c < 0x20 || c == 0x7f) {
			p[0] = '\\';
			p[1] = 'x';
			p[2] = hex[c >> 4];
			p[3] = hex[c & 15];
			log_len += 4;
		} else {
			p[0] = (char)c;
			log_len++;
		}
	}
}

static void log_request(const struct request *r, const char *body, size_t body_len)
{
	char stamp[32];
	int n = snprintf(stamp, sizeof(stamp), "%lld\t", (long long)clock_us(CLOCK_REALTIME));

	if (log_dirty_since < 0)
		log_dirty_since = mono_us();
	log_raw(stamp, (size_t)n);
	log_field(r->method, r->method_len);
	log_raw("\t", 1);
	log_field(r->target, r->target_len);
	log_raw("\t", 1);
	log_field(r->task_id, r->task_id_len);
	log_raw("\t", 1);
	log_field(r->attempt, r->attempt_len);
	log_raw("\t", 1);
	log_field(r->user_agent, r->user_agent_len);
	log_raw("\t", 1);
	log_field(r->content_type, r->content_type_len);
	log_raw("\t", 1);
	log_field(body, body_len < log_body_max ? body_len : log_body_max);
	if (body_len > log_body_max)
		log_raw("...", 3);
	for (size_t i = 0; i < extra_count; i++) {
		log_raw("\t", 1);
		log_field(r->extra[i], r->extra_len[i]);
	}
	log_raw("\n", 1);
	if (log_len >= LOG_BUF_FLUSH)
		log_flush();
}

/* --- the timer heap (delayed answers) ----------------------------------- */

static void heap_set(size_t i, struct conn *c)
{
	heap[i] = c;
	c->heap_idx = i;
}

static void heap_up(size_t i)
{
	struct conn *c = heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (heap[parent]->due_us <= c->due_us)
			break;
		heap_set(i, heap[parent]);
		i = parent;
	}
	heap_set(i, c);
}

static void heap_down(size_t i)
{
	struct conn *c = heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		int64_t best = c->due_us;
		if (l < heap_len && heap[l]->due_us < best) {
			m = l;
			best = heap[l]->due_us;
		}
		if (r < heap_len && heap[r]->due_us < best)
			m = r;
		if (m == i)
			break;
		heap_set(i, heap[m]);
		i = m;
	}
	heap_set(i, c);
}

static void heap_push(struct conn *c)
{
	if (heap_len == heap_cap) {
		heap_cap = heap_cap ? 2 * heap_cap : 256;
		heap = xrealloc(heap, heap_cap * sizeof(*heap));
	}
	heap[heap_len] = c;
	c->heap_idx = heap_len++;
	heap_up(c->heap_idx);
}

static void heap_remove(struct conn *c)
{
	size_t i = c->heap_idx;

	if (i >= heap_len || heap[i] != c)
		return;
	heap_len--;
	if (i < heap_len) {
		heap_set(i, heap[heap_len]);
		heap_up(i);
		heap_down(heap[i]->heap_idx);
	}
	c->heap_idx = SIZE_MAX;
}

/* --- connections ----------------------------------------------------------- */

static void conn_close(struct conn *c)
{
	if (c->state == DELAYED)
		heap_remove(c);
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void conn_watch(struct conn *c, bool want_write)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLRDHUP | (want_write ? EPOLLOUT : 0),
		.data.ptr = c,
	};

	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void accept_all(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fprintf(stderr, "sink: accept: %s\n", strerror(errno));
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct conn *c = calloc(1, sizeof(*c));
		if (!c)
			die("out of memory");
		c->fd = fd;
		c->state = READING;
		c->heap_idx = SIZE_MAX;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			fprintf(stderr, "sink: epoll_ctl: %s\n", strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		n_conns++;
	}
}

/* --- parsing --------------------------------------------------------------- */

static bool token_eq(const char *s, size_t n, const char *word)
{
	return s && strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Whether the comma-separated header value contains `word`. */
static bool header_has(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; s && i + w <= n; i++) {
		if (strncasecmp(s + i, word, w) == 0 &&
		    (i == 0 || s[i - 1] == ',' || s[i - 1] == ' ') &&
		    (i + w == n || s[i + w] == ',' || s[i + w] == ' '))
			return true;
	}
	return false;
}

/* Parses the request line and headers in c->in[0..header_len). Returns an
 * HTTP status to fail with, or 0. */
static int parse_head(char *buf, size_t header_len, struct request *r)
{
	char *end = buf + header_len - 2; /* the final CRLF */
	char *line = buf, *eol = memchr(line, '\n', (size_t)(end - line));
	char *sp1, *sp2;

	memset(r, 0, sizeof(*r));
	r->header_len = header_len;
	if (!eol)
		return 400;
	size_t len = (size_t)(eol - line);
	if (len && line[len - 1] == '\r')
		len--;
	sp1 = memchr(line, ' ', len);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line)) : NULL;
	if (!sp1 || !sp2 || sp1 == line || sp2 == sp1 + 1)
		return 400;
	r->method = line;
	r->method_len = (size_t)(sp1 - line);
	r->target = sp1 + 1;
	r->target_len = (size_t)(sp2 - sp1 - 1);
	if (token_eq(sp2 + 1, len - (size_t)(sp2 + 1 - line), "HTTP/1.0"))
		r->http10 = true;
	else if (!token_eq(sp2 + 1, len - (size_t)(sp2 + 1 - line), "HTTP/1.1"))
		return 505;

	for (line = eol + 1; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line) + 1);
		if (!eol)
			break;
		len = (size_t)(eol - line);
		if (len && line[len - 1] == '\r')
			len--;
		if (len == 0)
			break;
		char *colon = memchr(line, ':', len);
		if (!colon || colon == line)
			return 400;
		size_t name_len = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vlen = len - name_len - 1;
		while (vlen && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		for (size_t i = 0; i < extra_count; i++) {
			if (token_eq(line, name_len, extra_names[i])) {
				r->extra[i] = v;
				r->extra_len[i] = vlen;
			}
		}
#define HDR(name, field) \
		if (token_eq(line, name_len, name)) { r->field = v; r->field##_len = vlen; continue; }
		HDR("X-Tasksched-Task-Id", task_id)
		HDR("X-Tasksched-Attempt", attempt)
		HDR("User-Agent", user_agent)
		HDR("Content-Type", content_type)
		HDR("Connection", connection)
		HDR("Expect", expect)
		HDR("Transfer-Encoding", transfer_encoding)
#undef HDR
		if (token_eq(line, name_len, "Content-Length")) {
			unsigned long long cl = 0;
			if (vlen == 0)
				return 400;
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					return 400;
				if (cl > BODY_MAX)
					return 413; /* and no overflow */
				cl = cl * 10 + (unsigned)(v[i] - '0');
			}
			if (r->has_length && cl != r->content_length)
				return 400;
			r->has_length = true;
			r->content_length = cl;
		}
	}
	if (r->transfer_encoding)
		return 501; /* chunked request bodies are not needed here */
	if (r->has_length && r->content_length > BODY_MAX)
		return 413;
	return 0;
}

/* --- the script ------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes src[0..n) (and '+' as space) into dst, NUL-terminated,
 * at most cap - 1 bytes. */
static void url_decode(const char *src, size_t n, char *dst, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (src[i] == '%' && i + 2 < n && hexval(src[i + 1]) >= 0 &&
		    hexval(src[i + 2]) >= 0) {
			dst[o++] = (char)(hexval(src[i + 1]) * 16 + hexval(src[i + 2]));
			i += 2;
		} else {
			dst[o++] = src[i] == '+' ? ' ' : src[i];
		}
	}
	dst[o] = '\0';
}

/* Finds `key` in the query of `target`, decoded into `out`. */
static bool query_get(const char *target, size_t target_len, const char *key, char *out,
		      size_t cap)
{
	const char *q = memchr(target, '?', target_len);
	const char *end = target + target_len;
	size_t klen = strlen(key);

	if (!q)
		return false;
	for (const char *p = q + 1; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *item_end = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(item_end - p));
		const char *name_end = eq ? eq : item_end;
		if ((size_t)(name_end - p) == klen && memcmp(p, key, klen) == 0) {
			const char *v = eq ? eq + 1 : item_end;
			url_decode(v, (size_t)(item_end - v), out, cap);
			return true;
		}
		p = item_end + 1;
	}
	return false;
}

/* The number for `attempt` (1-based) from a list "a,b,c" whose last item
 * repeats; false when the key is absent or the item is not a number in
 * [lo, hi]. */
static bool script_number(const struct request *r, const char *key, long attempt, long lo,
			  long hi, long *value)
{
	char buf[LIST_MAX * 24];
	char *items[LIST_MAX];
	size_t count = 0;
	char *save = NULL, *tok;

	if (!query_get(r->target, r->target_len, key, buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, ",", &save); tok && count < LIST_MAX;
	     tok = strtok_r(NULL, ",", &save))
		items[count++] = tok;
	if (count == 0)
		return false;
	const char *item = items[(size_t)attempt <= count ? (size_t)attempt - 1 : count - 1];
	char *end;
	errno = 0;
	long v = strtol(item, &end, 10);
	if (errno || end == item || *end || v < lo || v > hi)
		return false;
	*value = v;
	return true;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	return "Status";
}

/* Builds the answer in c->out. `retry_after` may be NULL. */
static void build_response(struct conn *c, int status, long body_bytes, bool scripted_body,
			   const char *retry_after, bool head)
{
	char hdr[768], length[64] = "", ra[320] = "";
	/* 204 and 304 carry neither a body nor a Content-Length. */
	bool no_body = status == 204 || status == 304;
	size_t blen = no_body ? 0 : scripted_body ? (size_t)body_bytes : 2;

	if (!no_body)
		snprintf(length, sizeof(length), "Content-Type: text/plain\r\nContent-Length: %zu\r\n",
			 blen);
	if (retry_after)
		snprintf(ra, sizeof(ra), "Retry-After: %s\r\n", retry_after);
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nServer: tasksched-test-sink\r\n%s%sConnection: %s\r\n\r\n",
			 status, reason(status), length, ra, c->close_after ? "close" : "keep-alive");
	if (n < 0 || (size_t)n >= sizeof(hdr))
		die("response header too long");
	size_t send_body = head ? 0 : blen;
	free(c->out);
	c->out = xrealloc(NULL, (size_t)n + send_body);
	memcpy(c->out, hdr, (size_t)n);
	if (send_body) {
		char *b = c->out + n;
		if (!scripted_body) {
			memcpy(b, "ok", 2);
		} else {
			/* Printable, line-structured filler. */
			for (size_t i = 0; i < send_body; i++)
				b[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
		}
	}
	c->out_len = (size_t)n + send_body;
	c->out_off = 0;
}

/* A protocol error: answer it and close. */
static void build_error(struct conn *c, int status)
{
	c->close_after = true;
	build_response(c, status, 0, false, NULL, false);
}

/* --- the state machine ----------------------------------------------------- */

static bool start_writing(struct conn *c);

/* Looks for one complete request in c->in; when found, logs it, consumes
 * it and prepares the answer (now or after its delay). Returns false when
 * the connection was closed (and freed). */
static bool process_input(struct conn *c)
{
	struct request r;
	char *hend = NULL;

	if (c->state != READING || c->in_len == 0)
		return true;
	size_t from = c->scanned > 3 ? c->scanned - 3 : 0;
	hend = memmem(c->in + from, c->in_len - from, "\r\n\r\n", 4);
	if (!hend) {
		c->scanned = c->in_len;
		if (c->in_len > HEADER_MAX) {
			build_error(c, 431);
			return start_writing(c);
		}
		return true;
	}
	size_t header_len = (size_t)(hend - c->in) + 4;
	int err = header_len > HEADER_MAX ? 431 : parse_head(c->in, header_len, &r);
	if (err) {
		build_error(c, err);
		return start_writing(c);
	}
	size_t body_len = r.has_length ? (size_t)r.content_length : 0;
	if (c->in_len < header_len + body_len) {
		if (!c->continue_sent && r.expect && token_eq(r.expect, r.expect_len, "100-continue")) {
			static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
			/* Tiny and first on an idle socket: a short write is not expected. */
			(void)send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL);
			c->continue_sent = true;
		}
		return true;
	}
	n_requests++;
	log_request(&r, c->in + header_len, body_len);

	long attempt = 1;
	if (r.attempt && r.attempt_len < 16) {
		char a[16];
		memcpy(a, r.attempt, r.attempt_len);
		a[r.attempt_len] = '\0';
		char *end;
		long v = strtol(a, &end, 10);
		if (end != a && !*end && v >= 1)
			attempt = v;
	}
	long status = 200, delay = 0, body_bytes = 0;
	char retry_after[256];
	bool has_retry_after = query_get(r.target, r.target_len, "retry_after", retry_after,
					 sizeof(retry_after));
	if (!script_number(&r, "status", attempt, 200, 599, &status))
		status = 200;
	if (!script_number(&r, "delay_ms", attempt, 0, 3600 * 1000L, &delay))
		delay = 0;
	bool scripted_body = script_number(&r, "body_bytes", attempt, 0, RESPONSE_BODY_MAX,
					   &body_bytes);
	long ahead;
	char *ahead_end;
	if (has_retry_after && strncmp(retry_after, "date+", 5) == 0 &&
	    (ahead = strtol(retry_after + 5, &ahead_end, 10)) >= 0 && !*ahead_end) {
		/* An HTTP-date relative to the answer, not to when the test
		 * wrote the task, so a slow machine cannot make it past. */
		time_t at = time(NULL) + ahead;
		struct tm tm;
		strftime(retry_after, sizeof(retry_after), "%a, %d %b %Y %H:%M:%S GMT",
			 gmtime_r(&at, &tm));
	}
	if (has_retry_after) {
		/* Keep the header well-formed whatever the query said. */
		for (char *p = retry_after; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
	}
	c->close_after = r.http10 ? !header_has(r.connection, r.connection_len, "keep-alive")
				  : header_has(r.connection, r.connection_len, "close");
	build_response(c, (int)status, body_bytes, scripted_body,
		       has_retry_after ? retry_after : NULL, token_eq(r.method, r.method_len, "HEAD"));

	/* Consume the request; what follows (a pipelined request) waits. */
	size_t used = header_len + body_len;
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	c->scanned = 0;
	c->continue_sent = false;

	if (delay > 0) {
		c->state = DELAYED;
		c->due_us = mono_us() + (int64_t)delay * 1000;
		heap_push(c);
		return true;
	}
	return start_writing(c);
}

/* Sends what it can of c->out; when all is out, reads the next request or
 * closes. Returns false when the connection was closed. */
static bool flush_output(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				conn_watch(c, true);
				return true;
			}
			conn_close(c);
			return false;
		}
		c->out_off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (c->close_after) {
		conn_close(c);
		return false;
	}
	c->state = READING;
	conn_watch(c, false);
	return true;
}

/* Returns false when the connection was closed. */
static bool start_writing(struct conn *c)
{
	c->state = WRITING;
	if (!flush_output(c))
		return false;
	/* A request that arrived before this answer went out. */
	return c->state == READING ? process_input(c) : true;
}

/* Reads what is there; false when the connection was closed. */
static bool read_input(struct conn *c)
{
	for (;;) {
		if (c->in_cap - c->in_len < READ_CHUNK) {
			c->in_cap = c->in_cap ? 2 * c->in_cap : 2 * READ_CHUNK;
			c->in = xrealloc(c->in, c->in_cap);
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (n > 0) {
			c->in_len += (size_t)n;
			if (c->in_len > HEADER_MAX + BODY_MAX + READ_CHUNK) {
				conn_close(c);
				return false;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		/* EOF or error: a client that gave up (its timeout) closes, and
		 * a delayed answer to it is dropped with the connection. */
		conn_close(c);
		return false;
	}
}

static void on_event(struct conn *c, uint32_t events)
{
	if (events & (EPOLLERR | EPOLLHUP)) {
		conn_close(c);
		return;
	}
	if ((events & EPOLLOUT) && c->state == WRITING) {
		if (!flush_output(c))
			return;
		if (c->state == READING && !process_input(c))
			return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP)) {
		if (!read_input(c))
			return;
		if (c->state == READING)
			process_input(c);
	}
}

/* Sends the delayed answers whose time has come. */
static void run_timers(void)
{
	int64_t now = mono_us();

	while (heap_len && heap[0]->due_us <= now) {
		struct conn *c = heap[0];
		heap_remove(c);
		start_writing(c);
	}
}

/* --- setup ----------------------------------------------------------------- */

static void usage(FILE *out)
{
	fputs("Usage: sink [-a ADDR] [-p PORT] [-P PORTFILE] [-l LOGFILE] [-b BYTES] [-F MS]\n"
	      "            [-H HEADER]... [-q]\n"
	      "A scripted HTTP/1.1 webhook receiver for tests (see tests/sink/sink.c).\n"
	      "  -a ADDR      IPv4 address to listen on (127.0.0.1)\n"
	      "  -p PORT      port, 0 for an ephemeral one (0)\n"
	      "  -P FILE      write the bound port to FILE\n"
	      "  -l FILE      request log, appended to (default: standard output)\n"
	      "  -b BYTES     log at most this much of each body (4096)\n"
	      "  -F MS        flush the log this often while it has lines (20)\n"
	      "  -H HEADER    also log this request header, as a column after the body\n"
	      "  -q           no summary on standard error at exit\n",
	      out);
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);

	if (errno || end == s || *end || v < lo || v > hi)
		die("bad %s: %s", what, s);
	return v;
}

static void write_port_file(const char *path, int port)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		die("port file path too long");
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0)
		die("cannot write %s: %s", tmp, strerror(errno));
	if (rename(tmp, path) != 0)
		die("cannot rename %s: %s", tmp, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *port_file = NULL, *log_path = NULL;
	long port = 0;
	int opt;

	while ((opt = getopt(argc, argv, "a:p:P:l:b:F:H:qh")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = parse_long(optarg, 0, 65535, "port"); break;
		case 'P': port_file = optarg; break;
		case 'l': log_path = optarg; break;
		case 'b': log_body_max = (size_t)parse_long(optarg, 0, BODY_MAX, "body size"); break;
		case 'F': flush_ms = (int)parse_long(optarg, 1, 60000, "flush interval"); break;
		case 'H':
			if (extra_count == EXTRA_MAX)
				die("at most %d -H options", EXTRA_MAX);
			extra_names[extra_count++] = optarg;
			break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	/* Hundreds of connections at once: take all the descriptors allowed. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	if (log_path) {
		log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			die("cannot open %s: %s", log_path, strerror(errno));
	} else {
		log_fd = STDOUT_FILENO;
	}

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		die("signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		die("bad address %s", addr);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind %s:%ld: %s", addr, port, strerror(errno));
	if (listen(lfd, SOMAXCONN) < 0)
		die("listen: %s", strerror(errno));
	socklen_t salen = sizeof(sa);
	if (getsockname(lfd, (struct sockaddr *)&sa, &salen) < 0)
		die("getsockname: %s", strerror(errno));

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1: %s", strerror(errno));
	/* The listening socket and the signalfd are told apart from
	 * connections by these two sentinel pointers. */
	static char listen_tag, signal_tag;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &listen_tag };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
	ev.data.ptr = &signal_tag;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));

	if (port_file)
		write_port_file(port_file, ntohs(sa.sin_port));
	if (!quiet)
		fprintf(stderr, "sink: listening on %s:%d\n", addr, ntohs(sa.sin_port));

	bool stop = false;
	struct epoll_event events[MAX_EVENTS];
	while (!stop) {
		int64_t now = mono_us();
		int64_t wake = INT64_MAX;
		if (heap_len)
			wake = heap[0]->due_us;
		if (log_dirty_since >= 0 && log_dirty_since + flush_ms * 1000LL < wake)
			wake = log_dirty_since + flush_ms * 1000LL;
		int timeout = -1;
		if (wake != INT64_MAX)
			timeout = wake <= now ? 0 : (int)((wake - now + 999) / 1000);

		int n = epoll_wait(epfd, events, MAX_EVENTS, timeout);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			void *p = events[i].data.ptr;
			if (p == &listen_tag) {
				accept_all(lfd);
			} else if (p == &signal_tag) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						log_flush();
					else
						stop = true;
				}
			} else {
				on_event(p, events[i].events);
			}
		}
		run_timers();
		if (log_dirty_since >= 0 && mono_us() - log_dirty_since >= flush_ms * 1000LL)
			log_flush();
	}
	log_flush();
	if (!quiet)
		fprintf(stderr, "sink: %llu requests on %llu connections\n", n_requests, n_conns);
	return 0;
}
