/* json_strict.c -- a strict RFC 8259 recognizer, run before cJSON sees a body.
 *
 * cJSON accepts numbers like 01 or -.5, control characters inside strings
 * and other bytes as white space, none of which is JSON (nor accepted by
 * the database's JSON_VALID). This recognizer also bounds the nesting
 * before anything recurses deeply. Each function below returns the
 * position after what it read, or NULL. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "json_strict.h"

static const char *strict_value(const char *p, const char *end, int depth);

static const char *strict_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *strict_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c != '\\')
			continue;
		if (++p >= end)
			return NULL;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++) {
				if (p + i >= end || !isxdigit((unsigned char)p[i]))
					return NULL;
			}
			p += 4;
		} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
			return NULL;
		}
	}
	return NULL;
}

static const char *strict_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		if (++p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	return p;
}

static const char *strict_container(const char *p, const char *end, int depth)
{
	bool object = *p == '{';
	char close = object ? '}' : ']';

	if (depth >= TS_JSON_MAX_DEPTH)
		return NULL;
	p = strict_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (object) {
			if (p >= end || *p != '"' || !(p = strict_string(p, end)))
				return NULL;
			p = strict_ws(p, end);
			if (p >= end || *p != ':')
				return NULL;
			p = strict_ws(p + 1, end);
		}
		p = strict_value(p, end, depth + 1);
		if (!p)
			return NULL;
		p = strict_ws(p, end);
		if (p < end && *p == ',') {
			p = strict_ws(p + 1, end);
			continue;
		}
		return p < end && *p == close ? p + 1 : NULL;
	}
}

static const char *strict_value(const char *p, const char *end, int depth)
{
	static const char *const words[] = { "true", "false", "null" };

	if (p >= end)
		return NULL;
	if (*p == '{' || *p == '[')
		return strict_container(p, end, depth);
	if (*p == '"')
		return strict_string(p, end);
	if (*p == '-' || is_digit(*p))
		return strict_number(p, end);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
			return p + n;
	}
	return NULL;
}

bool ts_json_strict_valid(const char *s, size_t len)
{
	const char *end = s + len;
	const char *p = strict_value(strict_ws(s, end), end, 0);

	return p && strict_ws(p, end) == end;
}

/* Where the inside of the container that `text` starts with begins (past
 * `open` and white space), or NULL when it does not start with `open`. */
static const char *container_inside(const char *text, const char *end, char open)
{
	const char *p = strict_ws(text, end);

	return p < end && *p == open ? strict_ws(p + 1, end) : NULL;
}

bool ts_json_strict_members_init(struct ts_json_strict_members *it,
				 const char *text, size_t len)
{
	it->end = text + len;
	it->p = container_inside(text, it->end, '{');
	it->started = false;
	return it->p != NULL;
}

bool ts_json_strict_members_next(struct ts_json_strict_members *it,
				 struct ts_json_strict_member *m)
{
	const char *p = it->p, *end = it->end;

	if (it->started) {
		if (p >= end || *p != ',')
			return false;
		p = strict_ws(p + 1, end);
	}
	if (p >= end || *p != '"')
		return false;
	m->name = p;
	p = strict_string(p, end);
	if (!p)
		return false;
	m->name_len = (size_t)(p - m->name);
	p = strict_ws(p, end);
	if (p >= end || *p != ':')
		return false;
	m->value = strict_ws(p + 1, end);
	p = strict_value(m->value, end, 1);
	if (!p)
		return false;
	m->value_len = (size_t)(p - m->value);
	it->p = strict_ws(p, end);
	it->started = true;
	return true;
}

bool ts_json_strict_elements_init(struct ts_json_strict_elements *it,
				  const char *text, size_t len)
{
	it->end = text + len;
	it->p = container_inside(text, it->end, '[');
	it->started = false;
	return it->p != NULL;
}

bool ts_json_strict_elements_next(struct ts_json_strict_elements *it,
				  const char **value, size_t *value_len)
{
	const char *p = it->p, *end = it->end;

	if (it->started) {
		if (p >= end || *p != ',')
			return false;
		p = strict_ws(p + 1, end);
	}
	*value = p;
	p = strict_value(p, end, 1);
	if (!p)
		return false;
	*value_len = (size_t)(p - *value);
	it->p = strict_ws(p, end);
	it->started = true;
	return true;
}

bool ts_json_strict_string_has_nul(const char *lit, size_t len)
{
	const char *end = lit + len;

	for (const char *p = lit; p < end; p++) {
		if (*p != '\\' || ++p >= end)
			continue;
		/* An escaped backslash is skipped whole, so "\\u0000" is not a NUL. */
		if (*p == 'u' && end - p > 4 && memcmp(p + 1, "0000", 4) == 0)
			return true;
	}
	return false;
}
