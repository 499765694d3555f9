/* test_id.c -- task identifiers: new UUIDv7s, checking and lowercasing
 * (src/lib/id.h). */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "id.h"
#include "tstime.h"

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The 48-bit Unix milliseconds at the front of a UUIDv7. */
static int64_t id_millis(const char *id)
{
	char hex[13];

	memcpy(hex, id, 8);
	memcpy(hex + 8, id + 9, 4);
	hex[12] = '\0';
	return (int64_t)strtoll(hex, NULL, 16);
}

START_TEST(new_shape)
{
	char id[TS_ID_TEXT_MAX];

	for (int n = 0; n < 100; n++) {
		ts_id_new(id);
		ck_assert_uint_eq(strlen(id), 36);
		for (int i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				ck_assert_msg(id[i] == '-', "%s", id);
			else
				ck_assert_msg(is_lower_hex(id[i]), "not lowercase hex: %s", id);
		}
		ck_assert_msg(id[14] == '7', "not version 7: %s", id);
		ck_assert_msg(strchr("89ab", id[19]) != NULL, "not the RFC 4122 variant: %s", id);
		ck_assert(ts_id_is_valid(id));
	}
}
END_TEST

/* The time in front is the creation time, so new ids sort after old ones. */
START_TEST(new_time_ordered)
{
	char id[TS_ID_TEXT_MAX];
	int64_t before = ts_time_now() / TS_USEC_PER_MSEC;

	ts_id_new(id);
	int64_t after = ts_time_now() / TS_USEC_PER_MSEC;
	ck_assert_int_ge(id_millis(id), before);
	ck_assert_int_le(id_millis(id), after);
}
END_TEST

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(new_unique)
{
	enum { N = 2000 };
	static char ids[N][TS_ID_TEXT_MAX];

	for (int i = 0; i < N; i++)
		ts_id_new(ids[i]);
	qsort(ids, N, sizeof(ids[0]), compare_ids);
	for (int i = 1; i < N; i++)
		ck_assert_str_ne(ids[i - 1], ids[i]);
}
END_TEST

START_TEST(valid_forms)
{
	static const char *const ok[] = {
		"0190a6f2-1234-7abc-8def-0123456789ab",
		"0190A6F2-1234-7ABC-8DEF-0123456789AB",   /* upper case */
		"00000000-0000-0000-0000-000000000000",
		"f81d4fae-7dec-11d0-a765-00a0c91e6bf6",   /* version 1: any version */
	};
	static const char *const bad[] = {
		"",
		"0190a6f2-1234-7abc-8def-0123456789a",    /* short */
		"0190a6f2-1234-7abc-8def-0123456789abc",  /* long */
		"0190a6f21234-7abc-8def-0123456789ab-",   /* hyphen moved */
		"0190a6f2x1234-7abc-8def-0123456789ab",
		"0190a6f2-1234-7abc-8def-0123456789ag",   /* not hex */
		"{0190a6f2-1234-7abc-8def-0123456789ab}",
		"0190a6f2-1234-7abc-8def-0123456789ab\n",
		" 0190a6f2-1234-7abc-8def-0123456789ab",
		"0190a6f212347abc8def0123456789ab",       /* no hyphens */
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(ts_id_is_valid(ok[i]), "refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ts_id_is_valid(bad[i]), "accepted: '%s'", bad[i]);
	ck_assert(!ts_id_is_valid(NULL));
}
END_TEST

START_TEST(normalize)
{
	char out[TS_ID_TEXT_MAX];

	ck_assert(ts_id_normalize("0190A6F2-1234-7ABC-8DEF-0123456789AB", out));
	ck_assert_str_eq(out, "0190a6f2-1234-7abc-8def-0123456789ab");
	ck_assert(ts_id_normalize("0190a6f2-1234-7abc-8def-0123456789ab", out));
	ck_assert_str_eq(out, "0190a6f2-1234-7abc-8def-0123456789ab");

	memset(out, 'x', sizeof(out));
	ck_assert(!ts_id_normalize("not-a-uuid", out));
	ck_assert_str_eq(out, "");
	memset(out, 'x', sizeof(out));
	ck_assert(!ts_id_normalize(NULL, out));
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *id_suite(void)
{
	Suite *s = suite_create("id");
	TCase *tc = tcase_create("new");

	tcase_add_test(tc, new_shape);
	tcase_add_test(tc, new_time_ordered);
	tcase_add_test(tc, new_unique);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, valid_forms);
	tcase_add_test(tc, normalize);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(id_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
