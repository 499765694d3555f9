/* test_txn.c -- which failures db_run (src/lib/db/txn.c) repeats, how
 * often, and what a unit that keeps losing to contention is reported as:
 * TS_ERR_UNAVAILABLE, which the API answers with 503 and Retry-After. */
#include "config.h"

#include <check.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "http.h"

/* A unit of work that fails with `errnum` its first `failures` runs. */
struct fake_unit {
	enum ts_err status; /* TS_ERR_DB when not set */
	unsigned errnum;
	int failures;
	int runs;
};

static enum ts_err fake_run(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct fake_unit *u = ctx;

	if (u->runs++ >= u->failures)
		return TS_OK;
	db->last_errno = u->errnum;
	return ts_error_set(err, u->status ? u->status : TS_ERR_DB, "database_error", NULL,
			    "Database error (commit: %u fake)", u->errnum);
}

/* Runs `u` through db_run on a database that is not connected (the fake
 * unit needs no connection; the rollback between runs has none to undo). */
static enum ts_err run(struct fake_unit *u, struct ts_error *err)
{
	static struct ts_db db;

	memset(&db, 0, sizeof(db));
	ts_error_clear(err);
	return db_run(&db, fake_run, u, err);
}

START_TEST(deadlock_repeated_until_it_succeeds)
{
	struct fake_unit u = { .errnum = ER_LOCK_DEADLOCK, .failures = 3 };
	struct ts_error err;

	ck_assert_int_eq(run(&u, &err), TS_OK);
	ck_assert_int_eq(u.runs, 4);
}
END_TEST

START_TEST(deadlock_exhausted_is_unavailable)
{
	struct fake_unit u = { .errnum = ER_LOCK_DEADLOCK, .failures = 1000 };
	struct ts_error err;

	ck_assert_int_eq(run(&u, &err), TS_ERR_UNAVAILABLE);
	ck_assert_int_eq(u.runs, 7);
	ck_assert_int_eq(err.status, TS_ERR_UNAVAILABLE);
	ck_assert(ts_db_error_is_busy(&err));
	/* the cause stays in the message, for the service log */
	ck_assert_ptr_nonnull(strstr(err.message, "1213"));
	ck_assert_ptr_nonnull(strstr(err.message, "7 attempts"));
}
END_TEST

START_TEST(lock_wait_timeout_not_repeated_and_unavailable)
{
	struct fake_unit u = { .errnum = ER_LOCK_WAIT_TIMEOUT, .failures = 1000 };
	struct ts_error err;

	ck_assert_int_eq(run(&u, &err), TS_ERR_UNAVAILABLE);
	ck_assert_int_eq(u.runs, 1);
	ck_assert_ptr_nonnull(strstr(err.message, "1205"));
	ck_assert(ts_db_error_is_busy(&err));
}
END_TEST

START_TEST(other_errors_stay_database_errors)
{
	struct fake_unit u = { .errnum = ER_DUP_ENTRY, .failures = 1000 };
	struct ts_error err;

	ck_assert_int_eq(run(&u, &err), TS_ERR_DB);
	ck_assert_int_eq(u.runs, 1);
	ck_assert_str_eq(err.code, "database_error");
	ck_assert(!ts_db_error_is_busy(&err));
}
END_TEST

/* A lost connection is an outage, not contention: a COMMIT may have
 * happened, so it is not repeated either. */
START_TEST(lost_connection_is_no_contention)
{
	struct fake_unit u = { .status = TS_ERR_UNAVAILABLE, .errnum = CR_SERVER_LOST,
			       .failures = 1000 };
	struct ts_error err;

	ck_assert_int_eq(run(&u, &err), TS_ERR_UNAVAILABLE);
	ck_assert_int_eq(u.runs, 1);
	ck_assert(!ts_db_error_is_busy(&err));
}
END_TEST

/* What the API's client sees of a unit that kept losing: a 503 with
 * Retry-After, not a 500. */
START_TEST(exhausted_contention_answers_503)
{
	struct fake_unit u = { .errnum = ER_LOCK_DEADLOCK, .failures = 1000 };
	struct ts_http_response resp;
	struct ts_error err;

	ck_assert_int_eq(run(&u, &err), TS_ERR_UNAVAILABLE);
	ts_http_response_init(&resp);
	ts_http_error(&resp, 0, &err);
	ck_assert_int_eq(resp.status, 503);
	ck_assert_uint_gt(resp.retry_after, 0);
	ck_assert_ptr_nonnull(resp.body);
	ck_assert_ptr_null(strstr(resp.body, "1213"));
	ts_http_response_cleanup(&resp);
}
END_TEST

static Suite *txn_suite(void)
{
	Suite *s = suite_create("txn");
	TCase *tc = tcase_create("repeats");

	tcase_add_test(tc, deadlock_repeated_until_it_succeeds);
	tcase_add_test(tc, deadlock_exhausted_is_unavailable);
	tcase_add_test(tc, lock_wait_timeout_not_repeated_and_unavailable);
	tcase_add_test(tc, other_errors_stay_database_errors);
	tcase_add_test(tc, lost_connection_is_no_contention);
	tcase_add_test(tc, exhausted_contention_answers_503);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(txn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
