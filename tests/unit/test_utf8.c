/* test_utf8.c -- the UTF-8 check every request body passes first
 * (src/lib/utf8.h): RFC 3629, no NUL. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static bool utf8(const char *s, size_t len)
{
	return ts_utf8_valid(s, len);
}

START_TEST(utf8_valid)
{
	ck_assert(utf8("", 0));
	ck_assert(utf8("plain ASCII {}[]\"\\", strlen("plain ASCII {}[]\"\\")));
	ck_assert(utf8("\x7f", 1));
	ck_assert(utf8("\xc2\x80", 2));                 /* U+0080 */
	ck_assert(utf8("caf\xc3\xa9", 5));              /* é */
	ck_assert(utf8("\xdf\xbf", 2));                 /* U+07FF */
	ck_assert(utf8("\xe0\xa0\x80", 3));             /* U+0800 */
	ck_assert(utf8("\xe2\x82\xac", 3));             /* € */
	ck_assert(utf8("\xed\x9f\xbf", 3));             /* U+D7FF */
	ck_assert(utf8("\xee\x80\x80", 3));             /* U+E000 */
	ck_assert(utf8("\xef\xbf\xbf", 3));             /* U+FFFF */
	ck_assert(utf8("\xf0\x90\x80\x80", 4));         /* U+10000 */
	ck_assert(utf8("\xf0\x9f\x98\x80", 4));         /* 😀 */
	ck_assert(utf8("\xf4\x8f\xbf\xbf", 4));         /* U+10FFFF */
	ck_assert(utf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z", 11));
}
END_TEST

START_TEST(utf8_overlong)
{
	ck_assert(!utf8("\xc0\x80", 2));
	ck_assert(!utf8("\xc0\xaf", 2));
	ck_assert(!utf8("\xc1\xbf", 2));
	ck_assert(!utf8("\xe0\x80\x80", 3));
	ck_assert(!utf8("\xe0\x80\xaf", 3));
	ck_assert(!utf8("\xe0\x9f\xbf", 3));
	ck_assert(!utf8("\xf0\x80\x80\x80", 4));
	ck_assert(!utf8("\xf0\x8f\xbf\xbf", 4));
}
END_TEST

START_TEST(utf8_surrogates_and_range)
{
	ck_assert(!utf8("\xed\xa0\x80", 3));            /* U+D800 */
	ck_assert(!utf8("\xed\xaf\xbf", 3));            /* U+DBFF */
	ck_assert(!utf8("\xed\xb0\x80", 3));            /* U+DC00 */
	ck_assert(!utf8("\xed\xbf\xbf", 3));            /* U+DFFF */
	ck_assert(!utf8("\xed\xa0\xbd\xed\xb8\x80", 6)); /* CESU-8 pair */
	ck_assert(!utf8("\xf4\x90\x80\x80", 4));        /* U+110000 */
	ck_assert(!utf8("\xf5\x80\x80\x80", 4));
	ck_assert(!utf8("\xf7\xbf\xbf\xbf", 4));
	ck_assert(!utf8("\xf8\x88\x80\x80\x80", 5));
	ck_assert(!utf8("\xfc\x84\x80\x80\x80\x80", 6));
	ck_assert(!utf8("\xfe", 1));
	ck_assert(!utf8("\xff", 1));
}
END_TEST

START_TEST(utf8_truncated_and_stray)
{
	ck_assert(!utf8("\xc3", 1));
	ck_assert(!utf8("\xe2\x82", 2));
	ck_assert(!utf8("\xf0\x9f\x98", 3));
	ck_assert(!utf8("abc\xf0\x9f", 5));
	/* The length given counts, not the terminator. */
	ck_assert(!utf8("\xc3\xa9", 1));
	ck_assert(!utf8("\xf0\x9f\x98\x80", 3));
	/* A sequence cut short by an ASCII byte. */
	ck_assert(!utf8("\xe2\x82" "A", 3));
	ck_assert(!utf8("\xc3" "A", 2));
	ck_assert(!utf8("\xf0\x9f\x98" "A", 4));
	/* Continuation bytes without a lead. */
	ck_assert(!utf8("\x80", 1));
	ck_assert(!utf8("a\xbf", 2));
	ck_assert(!utf8("\xc3\xa9\xa9", 3));
	/* Latin-1 text. */
	ck_assert(!utf8("caf\xe9", 4));
}
END_TEST

START_TEST(utf8_nul)
{
	ck_assert(!utf8("\0", 1));
	ck_assert(!utf8("a\0b", 3));
	ck_assert(!utf8("{}\0", 3));
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_test(tc, utf8_valid);
	tcase_add_test(tc, utf8_overlong);
	tcase_add_test(tc, utf8_surrogates_and_range);
	tcase_add_test(tc, utf8_truncated_and_stray);
	tcase_add_test(tc, utf8_nul);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(utf8_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
