/* test_json_strict.c -- the strict RFC 8259 recognizer that stands before
 * cJSON, and its walk over an object's members (src/lib/json_strict.h). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json_strict.h"

static bool valid(const char *s)
{
	return ts_json_strict_valid(s, strlen(s));
}

START_TEST(accepts_json)
{
	static const char *const ok[] = {
		"{}", "[]", "0", "-0", "1.5", "-12.25e+3", "1E-2", "2e9", "\"\"", "true",
		"false", "null", " \t\r\n{ \"a\" : [ 1 , 2 , { } ] } \n",
		"{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
		"{\"a\":1,\"a\":2}",                          /* duplicates are JSON */
		"\"caf\xc3\xa9\"",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(valid(ok[i]), "refused: %s", ok[i]);
}
END_TEST

/* What cJSON would take and RFC 8259 (and MariaDB's JSON_VALID) does not. */
START_TEST(refuses_lenient_forms)
{
	static const char *const bad[] = {
		"", " ", "01", "-", "-.5", ".5", "1.", "1.e3", "1e", "1e+", "+1", "0x10",
		"NaN", "Infinity", "tru", "nul", "True", "{\"a\":1,}", "[1,]", "[,1]",
		"{a:1}", "{'a':1}", "{\"a\"1}", "{\"a\":}", "[1 2]", "{} {}", "\"a\" x",
		"\"\x01\"", "\"tab\there\"", "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"",
		"\"open", "[", "{", "\v{}", "{}\v", "\f[]", "{\"a\":1}\x1f",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!valid(bad[i]), "accepted: '%s'", bad[i]);
}
END_TEST

/* The length bounds the text: nothing after it is read or counted. */
START_TEST(length_bounds_text)
{
	const char *text = "{\"a\":1}garbage";

	ck_assert(ts_json_strict_valid(text, 7));
	ck_assert(!ts_json_strict_valid(text, 6));
	ck_assert(!ts_json_strict_valid("12", 0));
	ck_assert(ts_json_strict_valid("12", 1));
}
END_TEST

static char *nested(int depth)
{
	char *s = malloc((size_t)depth * 2 + 1);

	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < depth; i++) {
		s[i] = '[';
		s[depth * 2 - 1 - i] = ']';
	}
	s[depth * 2] = '\0';
	return s;
}

START_TEST(depth)
{
	char *ok = nested(TS_JSON_MAX_DEPTH);
	char *deep = nested(TS_JSON_MAX_DEPTH + 1);

	ck_assert(valid(ok));
	ck_assert(!valid(deep));
	free(ok);
	free(deep);
}
END_TEST

/* Copies a member's name and value so they can be compared. */
static void member_is(const struct ts_json_strict_member *m, const char *name,
		      const char *value)
{
	ck_assert_uint_eq(m->name_len, strlen(name));
	ck_assert_msg(memcmp(m->name, name, m->name_len) == 0, "name %.*s, want %s",
		      (int)m->name_len, m->name, name);
	ck_assert_uint_eq(m->value_len, strlen(value));
	ck_assert_msg(memcmp(m->value, value, m->value_len) == 0, "value %.*s, want %s",
		      (int)m->value_len, m->value, value);
}

START_TEST(members_in_order)
{
	const char *text = " { \"a\" : 1.50 , \"b\\u0061\":{\"x\":[1, 2]},\"a\":\"dup\" , "
			   "\"e\":[] } ";
	struct ts_json_strict_members it;
	struct ts_json_strict_member m;

	ck_assert(ts_json_strict_members_init(&it, text, strlen(text)));
	ck_assert(ts_json_strict_members_next(&it, &m));
	member_is(&m, "\"a\"", "1.50");           /* as written, not re-printed */
	ck_assert(ts_json_strict_members_next(&it, &m));
	member_is(&m, "\"b\\u0061\"", "{\"x\":[1, 2]}");
	ck_assert(ts_json_strict_members_next(&it, &m));
	member_is(&m, "\"a\"", "\"dup\"");          /* duplicates are kept */
	ck_assert(ts_json_strict_members_next(&it, &m));
	member_is(&m, "\"e\"", "[]");
	ck_assert(!ts_json_strict_members_next(&it, &m));

	ck_assert(ts_json_strict_members_init(&it, "{}", 2));
	ck_assert(!ts_json_strict_members_next(&it, &m));
}
END_TEST

START_TEST(members_refused)
{
	struct ts_json_strict_members it;
	struct ts_json_strict_member m;
	const char *cut = "{\"a\":1,\"b\":2}";

	ck_assert(!ts_json_strict_members_init(&it, "[1]", 3));
	ck_assert(!ts_json_strict_members_init(&it, "", 0));
	ck_assert(!ts_json_strict_members_init(&it, "  ", 2));
	/* Malformed text ends the walk. */
	ck_assert(ts_json_strict_members_init(&it, "{\"a\":-}", 7));
	ck_assert(!ts_json_strict_members_next(&it, &m));
	ck_assert(ts_json_strict_members_init(&it, "{a:1}", 5));
	ck_assert(!ts_json_strict_members_next(&it, &m));
	ck_assert(ts_json_strict_members_init(&it, "{\"a\":1 \"b\":2}", 14));
	ck_assert(ts_json_strict_members_next(&it, &m));
	ck_assert(!ts_json_strict_members_next(&it, &m));
	/* A value cut by the length is not a value. */
	ck_assert(ts_json_strict_members_init(&it, cut, 11));
	ck_assert(ts_json_strict_members_next(&it, &m));
	member_is(&m, "\"a\"", "1");
	ck_assert(!ts_json_strict_members_next(&it, &m));
}
END_TEST

/* The next element is `want`, as written. */
static void next_element_is(struct ts_json_strict_elements *it, const char *want)
{
	const char *v;
	size_t n;

	ck_assert(ts_json_strict_elements_next(it, &v, &n));
	ck_assert_uint_eq(n, strlen(want));
	ck_assert(memcmp(v, want, n) == 0);
}

START_TEST(elements_in_order)
{
	const char *text = " [ {\"a\": [1, \"]\"]} ,2.50,\"s\" ,[ ], null ] ";
	struct ts_json_strict_elements it;
	const char *v;
	size_t n;

	ck_assert(ts_json_strict_elements_init(&it, text, strlen(text)));
	next_element_is(&it, "{\"a\": [1, \"]\"]}");
	next_element_is(&it, "2.50");
	next_element_is(&it, "\"s\"");
	next_element_is(&it, "[ ]");
	next_element_is(&it, "null");
	ck_assert(!ts_json_strict_elements_next(&it, &v, &n));

	ck_assert(ts_json_strict_elements_init(&it, "[]", 2));
	ck_assert(!ts_json_strict_elements_next(&it, &v, &n));
	ck_assert(!ts_json_strict_elements_init(&it, "{}", 2));
	ck_assert(!ts_json_strict_elements_init(&it, "", 0));
	/* Malformed text ends the walk. */
	ck_assert(ts_json_strict_elements_init(&it, "[1 2]", 5));
	next_element_is(&it, "1");
	ck_assert(!ts_json_strict_elements_next(&it, &v, &n));
	ck_assert(ts_json_strict_elements_init(&it, "[-]", 3));
	ck_assert(!ts_json_strict_elements_next(&it, &v, &n));
}
END_TEST

static bool has_nul(const char *lit)
{
	return ts_json_strict_string_has_nul(lit, strlen(lit));
}

START_TEST(string_nul)
{
	ck_assert(has_nul("\"\\u0000\""));
	ck_assert(has_nul("\"a\\u0000b\""));
	ck_assert(has_nul("\"\\\\\\u0000\""));      /* a backslash, then a NUL */
	ck_assert(!has_nul("\"\\\\u0000\""));       /* a backslash and "u0000" */
	ck_assert(!has_nul("\"u0000\""));
	ck_assert(!has_nul("\"\\u0001\\u0100\\u1000\""));
	ck_assert(!has_nul("\"\""));
	/* The escape must lie inside the length. */
	ck_assert(!ts_json_strict_string_has_nul("\"\\u0000\"", 6));
}
END_TEST

static Suite *json_strict_suite(void)
{
	Suite *s = suite_create("json_strict");
	TCase *tc = tcase_create("recognizer");

	tcase_add_test(tc, accepts_json);
	tcase_add_test(tc, refuses_lenient_forms);
	tcase_add_test(tc, length_bounds_text);
	tcase_add_test(tc, depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("members");
	tcase_add_test(tc, members_in_order);
	tcase_add_test(tc, members_refused);
	tcase_add_test(tc, elements_in_order);
	tcase_add_test(tc, string_nul);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_strict_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
