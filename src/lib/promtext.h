/* promtext.h -- writing the Prometheus text exposition format (0.0.4):
 * families, samples, escaped labels, histograms. */
#ifndef TS_PROMTEXT_H
#define TS_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* The text being written. Every call after an allocation failure does
 * nothing, and ts_promtext_finish reports it. */
struct ts_promtext {
	struct ts_strbuf text;
};

/* Prepares `p` (caller-owned storage), empty. */
void ts_promtext_init(struct ts_promtext *p);

/* Frees the buffer; after ts_promtext_finish it is the caller's. */
void ts_promtext_cleanup(struct ts_promtext *p);

/* Starts a family: "# HELP name help" and "# TYPE name type" ("gauge",
 * "counter", "histogram"). `help` is escaped as the format says. */
void ts_promtext_family(struct ts_promtext *p, const char *name, const char *type,
			const char *help);

/* One sample line: name{label="value"} value. `label` NULL for none; the
 * label value is escaped. The value is a signed integer, or microseconds
 * written as seconds with six decimals (exact, no rounding). */
void ts_promtext_int(struct ts_promtext *p, const char *name, const char *label,
		     const char *label_value, int64_t value);
void ts_promtext_seconds(struct ts_promtext *p, const char *name, const char *label,
			 const char *label_value, int64_t us);

/* A histogram's samples, from per-bucket counts (`counts[0..nbounds]`,
 * the last one +Inf): name_bucket{le=...} cumulative, name_sum (from
 * microseconds), name_count equal to the +Inf bucket. */
void ts_promtext_histogram(struct ts_promtext *p, const char *name, size_t nbounds,
			   const char *const *le, const uint64_t *counts, uint64_t sum_us);

/* The text written, NUL-terminated; the caller frees it and `p` is empty
 * again. NULL when an allocation failed (then `p` is cleaned up). */
char *ts_promtext_finish(struct ts_promtext *p);

#endif
