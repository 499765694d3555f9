/* test_task_change.c -- the rules of changing a task (src/lib/task_change.h):
 * the states that may be patched, paused and resumed, the catch-up of a
 * series resumed after its time, and what a patched task keeps. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "task_change.h"

static ts_time_us at(const char *text)
{
	ts_time_us t = 0;

	ck_assert_int_eq(ts_time_parse_rfc3339(text, &t, NULL), TS_OK);
	return t;
}

static void make_task(struct ts_task *t, enum ts_task_status status)
{
	ts_task_init(t);
	strcpy(t->id, "0b7d6c3e-2f1a-4c5b-9d8e-7f6a5b4c3d2e");
	t->status = status;
	t->run_at = at("2030-01-31T09:00:00Z");
}

START_TEST(patch_states)
{
	static const struct {
		enum ts_task_status status;
		const char *code;  /* NULL: allowed */
	} cases[] = {
		{ TS_STATUS_SCHEDULED, NULL }, { TS_STATUS_PAUSED, NULL },
		{ TS_STATUS_RUNNING, "task_running" }, { TS_STATUS_COMPLETED, "task_finished" },
		{ TS_STATUS_FAILED, "task_finished" },
	};
	struct ts_task t;
	struct ts_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_task(&t, cases[i].status);
		ts_error_clear(&err);
		enum ts_err rc = ts_task_change_check_patch(&t, &err);
		if (!cases[i].code) {
			ck_assert_int_eq(rc, TS_OK);
			continue;
		}
		ck_assert_int_eq(rc, TS_ERR_CONFLICT);
		ck_assert_str_eq(err.code, cases[i].code);
		ck_assert_ptr_nonnull(strstr(err.message, t.id));
	}
}
END_TEST

START_TEST(pause_and_resume_states)
{
	struct ts_task t;
	struct ts_error err;
	bool changed;
	ts_time_us now = at("2029-01-01T00:00:00Z");

	make_task(&t, TS_STATUS_SCHEDULED);
	ck_assert_int_eq(ts_task_change_pause(&t, &changed, &err), TS_OK);
	ck_assert(changed);
	ck_assert_int_eq(t.status, TS_STATUS_PAUSED);
	ck_assert_int_eq(ts_task_change_pause(&t, &changed, &err), TS_OK);
	ck_assert(!changed);
	ck_assert_int_eq(ts_task_change_resume(&t, now, &changed, &err), TS_OK);
	ck_assert(changed);
	ck_assert_int_eq(t.status, TS_STATUS_SCHEDULED);
	ck_assert(t.run_at == at("2030-01-31T09:00:00Z"));
	ck_assert_int_eq(ts_task_change_resume(&t, now, &changed, &err), TS_OK);
	ck_assert(!changed);

	for (int s = TS_STATUS_RUNNING; s <= TS_STATUS_FAILED; s++) {
		make_task(&t, (enum ts_task_status)s);
		changed = true;
		ck_assert_int_eq(ts_task_change_pause(&t, &changed, &err), TS_ERR_CONFLICT);
		ck_assert(!changed);
		ck_assert_int_eq(ts_task_change_resume(&t, now, &changed, &err), TS_ERR_CONFLICT);
		ck_assert(!changed);
		ck_assert_int_eq(t.status, s);
	}
}
END_TEST

/* A series resumed after its time skips to the first occurrence in the
 * future; a retried occurrence and a one-off task keep theirs. */
START_TEST(resume_catches_up_by_skipping)
{
	struct ts_task t;
	struct ts_error err;
	bool changed;

	make_task(&t, TS_STATUS_PAUSED);
	t.recurrence = TS_RECUR_MONTHLY;
	t.anchor_day = 31;
	ck_assert_int_eq(ts_task_change_resume(&t, at("2030-04-15T00:00:00Z"), &changed, &err),
			 TS_OK);
	ck_assert(t.run_at == at("2030-04-30T09:00:00Z"));

	make_task(&t, TS_STATUS_PAUSED);
	t.recurrence = TS_RECUR_DAILY;
	ck_assert_int_eq(ts_task_change_resume(&t, at("2030-02-03T09:00:00Z"), &changed, &err),
			 TS_OK);
	ck_assert(t.run_at == at("2030-02-04T09:00:00Z"));

	make_task(&t, TS_STATUS_PAUSED);
	t.recurrence = TS_RECUR_WEEKLY;
	ck_assert_int_eq(ts_task_change_resume(&t, at("2030-01-31T08:59:59Z"), &changed, &err),
			 TS_OK);
	ck_assert(t.run_at == at("2030-01-31T09:00:00Z"));

	make_task(&t, TS_STATUS_PAUSED);
	t.recurrence = TS_RECUR_DAILY;
	t.attempts = 2;
	ck_assert_int_eq(ts_task_change_resume(&t, at("2030-03-01T00:00:00Z"), &changed, &err),
			 TS_OK);
	ck_assert(t.run_at == at("2030-01-31T09:00:00Z"));

	make_task(&t, TS_STATUS_PAUSED);
	ck_assert_int_eq(ts_task_change_resume(&t, at("2030-03-01T00:00:00Z"), &changed, &err),
			 TS_OK);
	ck_assert(t.run_at == at("2030-01-31T09:00:00Z"));
	ck_assert_int_eq(t.status, TS_STATUS_SCHEDULED);
}
END_TEST

START_TEST(adopt_keeps_state)
{
	struct ts_task cur, next;
	struct ts_task_change_keep keep = { .max_attempts = true, .payload = true };

	make_task(&cur, TS_STATUS_PAUSED);
	strcpy(cur.parent_id, "1b7d6c3e-2f1a-4c5b-9d8e-7f6a5b4c3d2e");
	cur.recurrence = TS_RECUR_MONTHLY;
	cur.run_at = at("2030-02-28T09:00:00Z");
	cur.anchor_day = 31;
	cur.attempts = 2;
	cur.max_attempts = 103;
	cur.created_at = 5;
	cur.updated_at = 7;
	cur.error_message = strdup("timeout");
	cur.payload_json = strdup("{\"url\": \"https://a.example/\"}");

	ts_task_init(&next);
	next.recurrence = TS_RECUR_MONTHLY;
	next.run_at = cur.run_at;
	next.anchor_day = 28;
	next.payload_json = strdup("{\"url\":\"https://a.example/\"}");
	ts_task_change_adopt(&next, &cur, &keep);
	ck_assert_str_eq(next.id, cur.id);
	ck_assert_str_eq(next.parent_id, cur.parent_id);
	ck_assert_int_eq(next.status, TS_STATUS_PAUSED);
	ck_assert_int_eq(next.attempts, 2);
	ck_assert_int_eq(next.max_attempts, 103);
	ck_assert(next.created_at == 5 && next.updated_at == 7);
	ck_assert_str_eq(next.error_message, "timeout");
	ck_assert_str_eq(next.payload_json, "{\"url\": \"https://a.example/\"}");
	ck_assert_ptr_null(cur.error_message);
	ck_assert_ptr_null(cur.payload_json);
	ck_assert_int_eq(next.anchor_day, 31);
	ts_task_cleanup(&next);
	ts_task_cleanup(&cur);

	/* A series moved to another day is anchored there. */
	make_task(&cur, TS_STATUS_SCHEDULED);
	cur.recurrence = TS_RECUR_MONTHLY;
	cur.anchor_day = 31;
	cur.max_attempts = 9;
	ts_task_init(&next);
	next.recurrence = TS_RECUR_MONTHLY;
	next.run_at = at("2030-03-15T09:00:00Z");
	next.anchor_day = 15;
	next.max_attempts = 3;
	keep.max_attempts = false;
	keep.payload = false;
	ts_task_change_adopt(&next, &cur, &keep);
	ck_assert_int_eq(next.anchor_day, 15);
	ck_assert_int_eq(next.max_attempts, 3);
	ts_task_cleanup(&next);
	ts_task_cleanup(&cur);
}
END_TEST

static Suite *task_change_suite(void)
{
	Suite *s = suite_create("task_change");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, patch_states);
	tcase_add_test(tc, pause_and_resume_states);
	tcase_add_test(tc, resume_catches_up_by_skipping);
	tcase_add_test(tc, adopt_keeps_state);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(task_change_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
