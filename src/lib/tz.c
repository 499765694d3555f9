/* tz.c -- IANA time zones from the system's tzdata, read through libical
 * (the only user of libical) into immutable offset tables.
 *
 * libical 3 as Debian builds it reads /usr/share/zoneinfo, so zones follow
 * the installed tzdata package. Its zone objects are shared, lazily
 * expanded global state, so every libical call happens under one mutex,
 * once per zone; afterwards schedules use the table alone, from any thread
 * and without a lock. */
#include "config.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tstime.h"
#include "tz.h"

static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ts_tz **zones;    /* loaded so far; never freed */
static size_t zones_count, zones_size;

static int32_t utc_offsets[1];
static const struct ts_tz utc_zone = { .name = "UTC", .count = 0, .offset = utc_offsets };

const struct ts_tz *ts_tz_utc(void)
{
	return &utc_zone;
}

size_t ts_tz_span(const struct ts_tz *tz, int64_t utc)
{
	size_t lo = 0, hi = tz->count;

	/* The first transition after `utc`. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= utc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int32_t ts_tz_offset(const struct ts_tz *tz, int64_t utc)
{
	return tz->offset[ts_tz_span(tz, utc)];
}

/* A zone name as tzdata spells them: letters, digits and "/_+-", no empty
 * or dot component, so nothing can name a file outside the zone folder.
 * "right/" zones count leap seconds and "localtime" is the host's own
 * setting; neither is a zone a schedule can mean. */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= TS_TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/' ||
	    strstr(name, "//") || strncmp(name, "right/", 6) == 0 ||
	    strcmp(name, "localtime") == 0 || strcmp(name, "posixrules") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool word = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
		if (!word && c != '/')
			return false;
		if (c == '/' && (name[i + 1] == '.' || name[i + 1] == '-'))
			return false;
	}
	return name[0] != '.' && name[0] != '-';
}

static int32_t ical_offset(icaltimezone *z, int64_t utc)
{
	struct icaltimetype t = icaltime_from_timet_with_zone((time_t)utc, 0,
							     icaltimezone_get_utc_timezone());
	int is_daylight = 0;

	return icaltimezone_get_utc_offset_of_utc_time(z, &t, &is_daylight);
}

/* Reads "+HHMM" or "+HHMMSS". */
static bool parse_offset(const char *s, int32_t *out)
{
	int sign = s[0] == '-' ? -1 : 1, v[3] = { 0, 0, 0 };
	size_t n = strlen(s + 1);

	if ((s[0] != '+' && s[0] != '-') || (n != 4 && n != 6))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[1 + i] < '0' || s[1 + i] > '9')
			return false;
		v[i / 2] = v[i / 2] * 10 + (s[1 + i] - '0');
	}
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return true;
}

/* Parses one line of icaltimezone_dump_changes(): "<zone>\t<d> <Mon> <yyyy>\t<h>:<mm>:<ss>\t<+hhmm>",
 * a change at that UTC time to that offset. */
static bool parse_change(const char *line, int64_t *at, int32_t *offset)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *tab = strchr(line, '\t');
	char mon[4], off[16];
	int d, y, h, mi, s;

	if (!tab || sscanf(tab + 1, "%d %3s %d %d:%d:%d %15s", &d, mon, &y, &h, &mi, &s, off) != 7)
		return false;
	const char *m = strstr(months, mon);
	if (!m || strlen(mon) != 3 || (m - months) % 3 != 0 || !parse_offset(off, offset))
		return false;
	struct ts_civil c = { .year = y, .month = (int)(m - months) / 3 + 1, .day = d,
			      .hour = h, .minute = mi, .second = s };
	ts_time_us t;
	if (!ts_time_from_civil(&c, &t))
		return false;
	*at = t / TS_USEC_PER_SEC;
	return true;
}

static void zone_free(struct ts_tz *tz)
{
	if (!tz)
		return;
	free(tz->at);
	free(tz->offset);
	free(tz);
}

/* Appends a change to `tz` unless it keeps the offset (a change of name
 * or of the DST flag only). `cap` is the room of both arrays. */
static bool add_change(struct ts_tz *tz, size_t *cap, int64_t at, int32_t offset)
{
	if (offset == tz->offset[tz->count] || (tz->count && at <= tz->at[tz->count - 1]))
		return true;
	if (tz->count + 1 >= *cap) {
		size_t n = *cap * 2;
		int64_t *a = realloc(tz->at, n * sizeof(*a));
		if (a)
			tz->at = a;
		int32_t *o = realloc(tz->offset, n * sizeof(*o));
		if (o)
			tz->offset = o;
		if (!a || !o)
			return false;
		*cap = n;
	}
	tz->at[tz->count++] = at;
	tz->offset[tz->count] = offset;
	return true;
}

/* Builds the table of `z` into *out from libical's list of changes, and
 * checks every change against libical's own offset lookup, so that a
 * listing this code misreads is an error, never a wrong schedule. Called
 * with zones_lock held. */
static enum ts_err load(icaltimezone *z, const char *name, struct ts_tz **out,
			struct ts_error *err)
{
	struct ts_tz *tz = calloc(1, sizeof(*tz));
	char *text = NULL, *line, *save = NULL;
	size_t text_len = 0, cap = 64;
	enum ts_err rc = TS_OK;
	FILE *f = NULL;

	if (!tz || !(tz->at = malloc(cap * sizeof(*tz->at))) ||
	    !(tz->offset = malloc(cap * sizeof(*tz->offset))) ||
	    !(f = open_memstream(&text, &text_len))) {
		rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		goto out;
	}
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	icaltimezone_dump_changes(z, TS_TZ_LAST_YEAR, f);
	fclose(f);
	f = NULL;
	bool ok = text != NULL, first = true;
	for (line = ok ? strtok_r(text, "\n", &save) : NULL; ok && line;
	     line = strtok_r(NULL, "\n", &save)) {
		int64_t at;
		int32_t offset;
		ok = parse_change(line, &at, &offset);
		if (!ok)
			break;
		if (first)
			tz->offset[0] = ical_offset(z, at - 1);
		first = false;
		if (!add_change(tz, &cap, at, offset)) {
			rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
			goto out;
		}
	}
	if (first && ok)
		tz->offset[0] = ical_offset(z, 0);
	for (size_t i = 0; ok && i < tz->count; i++)
		ok = ical_offset(z, tz->at[i]) == tz->offset[i + 1] &&
		     ical_offset(z, tz->at[i] - 1) == tz->offset[i];
	if (!ok)
		rc = ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				  "the time zone data of %s could not be read", name);
out:
	if (f)
		fclose(f);
	free(text);
	if (rc)
		zone_free(tz);
	else
		*out = tz;
	return rc;
}

/* The loaded zone called `name`, or NULL. Called with zones_lock held. */
static const struct ts_tz *find(const char *name)
{
	for (size_t i = 0; i < zones_count; i++) {
		if (strcmp(zones[i]->name, name) == 0)
			return zones[i];
	}
	return NULL;
}

static enum ts_err remember(struct ts_tz *tz, struct ts_error *err)
{
	if (zones_count == zones_size) {
		size_t n = zones_size ? zones_size * 2 : 16;
		struct ts_tz **z = realloc(zones, n * sizeof(*z));
		if (!z)
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		zones = z;
		zones_size = n;
	}
	zones[zones_count++] = tz;
	return TS_OK;
}

enum ts_err ts_tz_get(const char *name, const char *field, const struct ts_tz **out,
		      struct ts_error *err)
{
	struct ts_tz *tz = NULL;
	enum ts_err rc = TS_OK;

	if (strcmp(name, "UTC") == 0) {
		*out = &utc_zone;
		return TS_OK;
	}
	if (!name_ok(name))
		return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
				    "Invalid field %s: '%.64s' is not an IANA time zone name"
				    " (such as Europe/Berlin)", field, name);
	pthread_mutex_lock(&zones_lock);
	*out = find(name);
	if (*out)
		goto out;
	icaltimezone *z = icaltimezone_get_builtin_timezone(name);
	if (!z) {
		rc = ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
				  "Invalid field %s: unknown time zone '%s'", field, name);
		goto out;
	}
	rc = load(z, name, &tz, err);
	if (rc == TS_OK)
		rc = remember(tz, err);
	if (rc == TS_OK)
		*out = tz;
	else
		zone_free(tz);
out:
	pthread_mutex_unlock(&zones_lock);
	return rc;
}
