/* test_etag.c -- entity tags of tasks and If-Match lists (src/lib/etag.h). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "etag.h"
#include "json.h"

static void make_task(struct ts_task *t)
{
	ts_task_init(t);
	strcpy(t->id, "0b7d6c3e-2f1a-4c5b-9d8e-7f6a5b4c3d2e");
	t->payload_json = strdup("{\"recipient\":\"ops\",\"message\":\"hi\"}");
	t->action = TS_ACTION_MESSAGE;
	t->run_at = 1900000000000000;
	t->created_at = t->updated_at = 1800000000000000;
}

START_TEST(tag_follows_the_representation)
{
	struct ts_task t;
	struct ts_error err;
	char a[TS_ETAG_MAX], b[TS_ETAG_MAX];

	make_task(&t);
	ck_assert_int_eq(ts_etag_task(&t, a, &err), TS_OK);
	ck_assert_uint_eq(strlen(a), 34);
	ck_assert(a[0] == '"' && a[33] == '"');
	ck_assert_uint_eq(strspn(a + 1, "0123456789abcdef"), 32);
	ck_assert_int_eq(ts_etag_task(&t, b, &err), TS_OK);
	ck_assert_str_eq(a, b);

	/* Any visible change, however small, gives another tag. */
	t.updated_at++;
	ck_assert_int_eq(ts_etag_task(&t, b, &err), TS_OK);
	ck_assert_str_ne(a, b);
	t.updated_at--;
	t.status = TS_STATUS_PAUSED;
	ck_assert_int_eq(ts_etag_task(&t, b, &err), TS_OK);
	ck_assert_str_ne(a, b);
	t.status = TS_STATUS_SCHEDULED;
	ck_assert_int_eq(ts_etag_task(&t, b, &err), TS_OK);
	ck_assert_str_eq(a, b);

	/* A GET's body gives the same tag as the task it shows. */
	char *body = ts_json_task_one(&t);
	ck_assert_ptr_nonnull(body);
	ts_etag_task_text(body, b);
	ck_assert_str_eq(a, b);
	free(body);
	ts_task_cleanup(&t);
}
END_TEST

START_TEST(if_match_lists)
{
	const char *tag = "\"0123456789abcdef0123456789abcdef\"";

	ck_assert(ts_etag_if_match(tag, tag));
	ck_assert(ts_etag_if_match("*", tag));
	ck_assert(ts_etag_if_match("  * ", tag));
	ck_assert(ts_etag_if_match("\"x\", \"0123456789abcdef0123456789abcdef\"", tag));
	ck_assert(ts_etag_if_match("\"0123456789abcdef0123456789abcdef\" ,\"y\"", tag));
	ck_assert(!ts_etag_if_match("\"x\"", tag));
	ck_assert(!ts_etag_if_match("", tag));
	ck_assert(!ts_etag_if_match(",", tag));
	/* Strong comparison: a weak tag never matches, nor one unquoted. */
	ck_assert(!ts_etag_if_match("W/\"0123456789abcdef0123456789abcdef\"", tag));
	ck_assert(!ts_etag_if_match("0123456789abcdef0123456789abcdef", tag));
	ck_assert(!ts_etag_if_match("\"0123456789ABCDEF0123456789ABCDEF\"", tag));
	ck_assert(!ts_etag_if_match("*, \"x\"", tag));
}
END_TEST

static Suite *etag_suite(void)
{
	Suite *s = suite_create("etag");
	TCase *tc = tcase_create("etag");

	tcase_add_test(tc, tag_follows_the_representation);
	tcase_add_test(tc, if_match_lists);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(etag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
