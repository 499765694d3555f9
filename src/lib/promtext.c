/* promtext.c -- writing the Prometheus text exposition format (0.0.4). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "promtext.h"

void ts_promtext_init(struct ts_promtext *p)
{
	ts_strbuf_init(&p->text);
}

void ts_promtext_cleanup(struct ts_promtext *p)
{
	if (p)
		ts_strbuf_cleanup(&p->text);
}

static void put(struct ts_promtext *p, const char *s, size_t n)
{
	ts_strbuf_put(&p->text, s, n);
}

static void puts_(struct ts_promtext *p, const char *s)
{
	ts_strbuf_puts(&p->text, s);
}

static void printf_(struct ts_promtext *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void printf_(struct ts_promtext *p, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Only numbers go through here; they always fit. */
	if (n > 0 && (size_t)n < sizeof(line))
		put(p, line, (size_t)n);
}

/* Escapes `s`: backslash and newline always, the double quote inside a
 * label value (HELP text leaves it alone, as the format says). */
static void put_escaped(struct ts_promtext *p, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			puts_(p, "\\\\");
		else if (*s == '\n')
			puts_(p, "\\n");
		else if (*s == '"' && quote)
			puts_(p, "\\\"");
		else
			put(p, s, 1);
	}
}

void ts_promtext_family(struct ts_promtext *p, const char *name, const char *type,
			const char *help)
{
	puts_(p, "# HELP ");
	puts_(p, name);
	puts_(p, " ");
	put_escaped(p, help, false);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, " ");
	puts_(p, type);
	puts_(p, "\n");
}

static void sample_head(struct ts_promtext *p, const char *name, const char *label,
			const char *label_value)
{
	puts_(p, name);
	if (label) {
		puts_(p, "{");
		puts_(p, label);
		puts_(p, "=\"");
		put_escaped(p, label_value, true);
		puts_(p, "\"}");
	}
	puts_(p, " ");
}

void ts_promtext_int(struct ts_promtext *p, const char *name, const char *label,
		     const char *label_value, int64_t value)
{
	sample_head(p, name, label, label_value);
	printf_(p, "%" PRId64 "\n", value);
}

void ts_promtext_seconds(struct ts_promtext *p, const char *name, const char *label,
			 const char *label_value, int64_t us)
{
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;

	sample_head(p, name, label, label_value);
	printf_(p, "%s%" PRIu64 ".%06" PRIu64 "\n", us < 0 ? "-" : "", mag / 1000000u,
		mag % 1000000u);
}

void ts_promtext_histogram(struct ts_promtext *p, const char *name, size_t nbounds,
			   const char *const *le, const uint64_t *counts, uint64_t sum_us)
{
	char sample[128];
	uint64_t cumulative = 0;

	snprintf(sample, sizeof(sample), "%s_bucket", name);
	for (size_t i = 0; i <= nbounds; i++) {
		cumulative += counts[i];
		sample_head(p, sample, "le", i < nbounds ? le[i] : "+Inf");
		printf_(p, "%" PRIu64 "\n", cumulative);
	}
	snprintf(sample, sizeof(sample), "%s_sum", name);
	ts_promtext_seconds(p, sample, NULL, NULL, sum_us > INT64_MAX ? INT64_MAX : (int64_t)sum_us);
	snprintf(sample, sizeof(sample), "%s_count", name);
	sample_head(p, sample, NULL, NULL);
	printf_(p, "%" PRIu64 "\n", cumulative);
}

char *ts_promtext_finish(struct ts_promtext *p)
{
	return ts_strbuf_finish(&p->text);
}
