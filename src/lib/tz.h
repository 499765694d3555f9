/* tz.h -- IANA time zones from the system's tzdata, read through libical
 * once per zone into an immutable table of UTC offsets that any thread may
 * use without a lock. */
#ifndef TS_TZ_H
#define TS_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/* Longest zone name accepted, plus the terminator. */
#define TS_TZ_NAME_MAX 64

/* Zone rules are tabulated through the end of this year; later instants
 * keep the offset in force at its end. */
#define TS_TZ_LAST_YEAR 2200

/* A zone: its offset changes as instants (seconds since the epoch, UTC).
 * offset[i] is in force before at[i] (and from at[i - 1]); offset[count]
 * after the last change. Read-only, and alive until the process ends. */
struct ts_tz {
	char name[TS_TZ_NAME_MAX];
	size_t count;
	int64_t *at;
	int32_t *offset;        /* count + 1 entries, seconds east of UTC */
};

/* Finds the zone called `name` ("Europe/Berlin", "UTC") in the system
 * tzdata, loading it on first use (thread-safe; later calls for the same
 * name return the same table). Returns TS_OK and *out, TS_ERR_INVALID
 * (code "invalid_field", field `field`) for a name that is malformed or
 * not a zone the system knows, TS_ERR_NOMEM, or TS_ERR_INTERNAL when the
 * zone's data cannot be read consistently. */
enum ts_err ts_tz_get(const char *name, const char *field, const struct ts_tz **out,
		      struct ts_error *err);

/* The UTC zone, without a lookup. */
const struct ts_tz *ts_tz_utc(void);

/* The index of the span of constant offset that holds `utc` (seconds):
 * the i with at[i - 1] <= utc < at[i]; its offset is offset[i]. */
size_t ts_tz_span(const struct ts_tz *tz, int64_t utc);

/* The offset (seconds east of UTC) in force at `utc` (seconds). */
int32_t ts_tz_offset(const struct ts_tz *tz, int64_t utc);

#endif
