/* strbuf.h -- a growing NUL-terminated text buffer, for the writers that
 * build a body piece by piece (JSON tasks, Prometheus text). */
#ifndef TS_STRBUF_H
#define TS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/* The text written so far. After an allocation failure every call does
 * nothing, and ts_strbuf_finish reports it. */
struct ts_strbuf {
	char *buf;
	size_t len, cap;
	bool failed;
};

/* Prepares `sb` (caller-owned storage), empty. */
void ts_strbuf_init(struct ts_strbuf *sb);

/* Frees the buffer; after ts_strbuf_finish it is the caller's. */
void ts_strbuf_cleanup(struct ts_strbuf *sb);

/* Appends `n` bytes of `s` (which need not be NUL-terminated). */
void ts_strbuf_put(struct ts_strbuf *sb, const char *s, size_t n);

/* Appends the NUL-terminated `s`. */
void ts_strbuf_puts(struct ts_strbuf *sb, const char *s);

/* Appends a string literal without measuring it at run time. */
#define TS_STRBUF_LITERAL(sb, lit) ts_strbuf_put((sb), (lit), sizeof(lit) - 1)

/* The text written, NUL-terminated (empty if nothing was); the caller
 * frees it and `sb` is empty again. NULL when an allocation failed (then
 * `sb` is cleaned up). */
char *ts_strbuf_finish(struct ts_strbuf *sb);

#endif
