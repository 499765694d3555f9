/* errors.h -- status codes and the error details that library calls fill in. */
#ifndef TS_ERRORS_H
#define TS_ERRORS_H

#include <stddef.h>

/* Every library function returns one of these; TS_OK is zero so that
 * `if (rc != TS_OK)` and `if (rc)` read the same. */
enum ts_err {
	TS_OK = 0,
	TS_ERR_INVALID,       /* bad input: a field, a parameter, a file's syntax */
	TS_ERR_NOT_FOUND,     /* no such task, route or file */
	TS_ERR_CONFLICT,      /* the operation clashes with the current state */
	TS_ERR_TOO_LARGE,     /* input exceeds a configured limit */
	TS_ERR_UNAVAILABLE,   /* the database cannot be reached right now */
	TS_ERR_DB,            /* the database refused a statement */
	TS_ERR_NOMEM,         /* an allocation failed */
	TS_ERR_IO,            /* a system call failed */
	TS_ERR_INTERNAL,      /* a bug or an unexpected state */
	TS_ERR_PRECONDITION,  /* a precondition (If-Match) does not hold */
};

/* Details of a failure, filled by the function that returns the status.
 * `code` is a stable machine-readable slug (e.g. "missing_field"), `field`
 * names the offending input where there is one (e.g. "payload.url"), and
 * `message` is for humans. All three are plain bounded buffers: nothing to
 * free. */
struct ts_error {
	enum ts_err status;
	char code[40];
	char field[64];
	char message[512];
};

/* Clears `err` (NULL is allowed and ignored). */
void ts_error_clear(struct ts_error *err);

/* Records a failure in `err` (may be NULL) and returns `status`, so callers
 * can write `return ts_error_set(err, TS_ERR_INVALID, ...)`. `code` and
 * `field` may be NULL. The message is printf-formatted and truncated to fit. */
enum ts_err ts_error_set(struct ts_error *err, enum ts_err status,
			 const char *code, const char *field,
			 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A short English name for a status, for logs. */
const char *ts_err_name(enum ts_err status);

#endif
