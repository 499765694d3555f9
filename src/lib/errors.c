/* errors.c -- filling and naming error details. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

void ts_error_clear(struct ts_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

enum ts_err ts_error_set(struct ts_error *err, enum ts_err status,
			 const char *code, const char *field,
			 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	snprintf(err->code, sizeof(err->code), "%s", code ? code : "");
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return status;
}

const char *ts_err_name(enum ts_err status)
{
	switch (status) {
	case TS_OK: return "ok";
	case TS_ERR_INVALID: return "invalid input";
	case TS_ERR_NOT_FOUND: return "not found";
	case TS_ERR_CONFLICT: return "conflict";
	case TS_ERR_TOO_LARGE: return "too large";
	case TS_ERR_UNAVAILABLE: return "database unavailable";
	case TS_ERR_DB: return "database error";
	case TS_ERR_NOMEM: return "out of memory";
	case TS_ERR_IO: return "i/o error";
	case TS_ERR_INTERNAL: return "internal error";
	case TS_ERR_PRECONDITION: return "precondition failed";
	}
	return "unknown error";
}
