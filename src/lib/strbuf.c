/* strbuf.c -- a growing NUL-terminated text buffer, for the writers that
 * build a body piece by piece (JSON tasks, Prometheus text). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void ts_strbuf_init(struct ts_strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void ts_strbuf_cleanup(struct ts_strbuf *sb)
{
	if (!sb)
		return;
	free(sb->buf);
	ts_strbuf_init(sb);
}

/* Makes room for `more` bytes and the terminator. */
static bool reserve(struct ts_strbuf *sb, size_t more)
{
	size_t cap;
	char *grown;

	if (sb->failed)
		return false;
	if (sb->len + more < sb->cap)
		return true;
	/* A task's text is about 600 bytes: one allocation for most bodies. */
	cap = sb->cap ? sb->cap : 1024;
	while (cap <= sb->len + more)
		cap *= 2;
	grown = realloc(sb->buf, cap);
	if (!grown) {
		sb->failed = true;
		return false;
	}
	sb->buf = grown;
	sb->cap = cap;
	return true;
}

void ts_strbuf_put(struct ts_strbuf *sb, const char *s, size_t n)
{
	if (!reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void ts_strbuf_puts(struct ts_strbuf *sb, const char *s)
{
	ts_strbuf_put(sb, s, strlen(s));
}

char *ts_strbuf_finish(struct ts_strbuf *sb)
{
	char *text;

	if (!sb->failed)
		reserve(sb, 0);
	if (sb->failed) {
		ts_strbuf_cleanup(sb);
		return NULL;
	}
	text = sb->buf;
	ts_strbuf_init(sb);
	return text;
}
