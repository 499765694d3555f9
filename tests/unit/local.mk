# tests/unit/local.mk -- Check unit tests, one suite (one program) per
# library module (included by Makefile.am; run by "make check").

# The schedule engine against independent oracles (Python), through a
# printer of its occurrences.
check_PROGRAMS += tests/unit/schedule_print
tests_unit_schedule_print_SOURCES = tests/unit/schedule_print.c
tests_unit_schedule_print_LDADD = $(LIBTASKSCHED_LIBS)
TESTS += tests/unit/cron-oracle.test
EXTRA_DIST += tests/unit/cron-oracle.test tests/unit/cron_oracle.py

if HAVE_CHECK

unit_tests = \
	tests/unit/test_tstime \
	tests/unit/test_validate \
	tests/unit/test_utf8 \
	tests/unit/test_json_strict \
	tests/unit/test_json \
	tests/unit/test_json_batch \
	tests/unit/test_cursor \
	tests/unit/test_conf \
	tests/unit/test_router \
	tests/unit/test_http \
	tests/unit/test_retry \
	tests/unit/test_txn \
	tests/unit/test_netguard \
	tests/unit/test_sign \
	tests/unit/test_timers \
	tests/unit/test_finish_plan \
	tests/unit/test_cron \
	tests/unit/test_schedule \
	tests/unit/test_token \
	tests/unit/test_id \
	tests/unit/test_task \
	tests/unit/test_auth \
	tests/unit/test_json_patch \
	tests/unit/test_task_change \
	tests/unit/test_siphash \
	tests/unit/test_etag \
	tests/unit/test_metrics \
	tests/unit/test_openapi \
	tests/unit/test_mail

check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)

unit_cflags = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CJSON_CFLAGS)
unit_ldadd = src/api/libapi.a $(LIBTASKSCHED_LIBS) $(CHECK_LIBS)
unit_api_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api

tests_unit_test_mail_SOURCES = tests/unit/test_mail.c
tests_unit_test_mail_CFLAGS = $(unit_cflags)
tests_unit_test_mail_LDADD = $(unit_ldadd)

tests_unit_test_tstime_SOURCES = tests/unit/test_tstime.c
tests_unit_test_tstime_CFLAGS = $(unit_cflags)
tests_unit_test_tstime_LDADD = $(unit_ldadd)

tests_unit_test_validate_SOURCES = tests/unit/test_validate.c
tests_unit_test_validate_CFLAGS = $(unit_cflags)
tests_unit_test_validate_LDADD = $(unit_ldadd)

tests_unit_test_utf8_SOURCES = tests/unit/test_utf8.c
tests_unit_test_utf8_CFLAGS = $(unit_cflags)
tests_unit_test_utf8_LDADD = $(unit_ldadd)

tests_unit_test_json_strict_SOURCES = tests/unit/test_json_strict.c
tests_unit_test_json_strict_CFLAGS = $(unit_cflags)
tests_unit_test_json_strict_LDADD = $(unit_ldadd)

tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CFLAGS = $(unit_cflags)
tests_unit_test_json_LDADD = $(unit_ldadd)

tests_unit_test_json_batch_SOURCES = tests/unit/test_json_batch.c
tests_unit_test_json_batch_CFLAGS = $(unit_cflags)
tests_unit_test_json_batch_LDADD = $(unit_ldadd)

tests_unit_test_cursor_SOURCES = tests/unit/test_cursor.c
tests_unit_test_cursor_CFLAGS = $(unit_cflags)
tests_unit_test_cursor_LDADD = $(unit_ldadd)

tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(unit_cflags)
tests_unit_test_conf_LDADD = $(unit_ldadd)

tests_unit_test_router_SOURCES = tests/unit/test_router.c
tests_unit_test_router_CPPFLAGS = $(unit_api_cppflags)
tests_unit_test_router_CFLAGS = $(unit_cflags)
tests_unit_test_router_LDADD = $(unit_ldadd)

tests_unit_test_http_SOURCES = tests/unit/test_http.c
tests_unit_test_http_CPPFLAGS = $(unit_api_cppflags)
tests_unit_test_http_CFLAGS = $(unit_cflags)
tests_unit_test_http_LDADD = $(unit_ldadd)

tests_unit_test_retry_SOURCES = tests/unit/test_retry.c
tests_unit_test_retry_CFLAGS = $(unit_cflags) $(CURL_CFLAGS)
tests_unit_test_retry_LDADD = src/lib/libwebhook.a $(unit_ldadd) $(CURL_LIBS)

tests_unit_test_netguard_SOURCES = tests/unit/test_netguard.c
tests_unit_test_netguard_CFLAGS = $(unit_cflags)
tests_unit_test_netguard_LDADD = $(unit_ldadd)

tests_unit_test_sign_SOURCES = tests/unit/test_sign.c
tests_unit_test_sign_CFLAGS = $(unit_cflags)
tests_unit_test_sign_LDADD = $(unit_ldadd)

# The timer table is the executor's own, built into the suite directly.
tests_unit_test_timers_SOURCES = tests/unit/test_timers.c src/executor/timers.c
tests_unit_test_timers_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/executor
tests_unit_test_timers_CFLAGS = $(unit_cflags)
tests_unit_test_timers_LDADD = $(CHECK_LIBS)

tests_unit_test_finish_plan_SOURCES = tests/unit/test_finish_plan.c
tests_unit_test_finish_plan_CFLAGS = $(unit_cflags)
tests_unit_test_finish_plan_LDADD = $(unit_ldadd)

tests_unit_test_cron_SOURCES = tests/unit/test_cron.c
tests_unit_test_cron_CFLAGS = $(unit_cflags)
tests_unit_test_cron_LDADD = $(unit_ldadd)

tests_unit_test_schedule_SOURCES = tests/unit/test_schedule.c
tests_unit_test_schedule_CFLAGS = $(unit_cflags)
tests_unit_test_schedule_LDADD = $(unit_ldadd)

tests_unit_test_token_SOURCES = tests/unit/test_token.c
tests_unit_test_token_CFLAGS = $(unit_cflags)
tests_unit_test_token_LDADD = $(unit_ldadd)

tests_unit_test_id_SOURCES = tests/unit/test_id.c
tests_unit_test_id_CFLAGS = $(unit_cflags)
tests_unit_test_id_LDADD = $(unit_ldadd)

tests_unit_test_task_SOURCES = tests/unit/test_task.c
tests_unit_test_task_CFLAGS = $(unit_cflags)
tests_unit_test_task_LDADD = $(unit_ldadd)

tests_unit_test_auth_SOURCES = tests/unit/test_auth.c
tests_unit_test_auth_CPPFLAGS = $(unit_api_cppflags)
tests_unit_test_auth_CFLAGS = $(unit_cflags)
tests_unit_test_auth_LDADD = $(unit_ldadd)

tests_unit_test_json_patch_SOURCES = tests/unit/test_json_patch.c
tests_unit_test_json_patch_CFLAGS = $(unit_cflags)
tests_unit_test_json_patch_LDADD = $(unit_ldadd)

tests_unit_test_task_change_SOURCES = tests/unit/test_task_change.c
tests_unit_test_task_change_CFLAGS = $(unit_cflags)
tests_unit_test_task_change_LDADD = $(unit_ldadd)

tests_unit_test_siphash_SOURCES = tests/unit/test_siphash.c
tests_unit_test_siphash_CFLAGS = $(unit_cflags)
tests_unit_test_siphash_LDADD = $(unit_ldadd)

tests_unit_test_etag_SOURCES = tests/unit/test_etag.c
tests_unit_test_etag_CFLAGS = $(unit_cflags)
tests_unit_test_etag_LDADD = $(unit_ldadd)

# db_run's repetitions, with a fake unit of work (no server needed).
tests_unit_test_txn_SOURCES = tests/unit/test_txn.c
tests_unit_test_txn_CPPFLAGS = $(unit_api_cppflags) -I$(top_srcdir)/src/lib/db
tests_unit_test_txn_CFLAGS = $(unit_cflags) $(MARIADB_CFLAGS)
tests_unit_test_txn_LDADD = $(unit_ldadd)

tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c
tests_unit_test_metrics_CFLAGS = $(unit_cflags)
tests_unit_test_metrics_LDADD = $(unit_ldadd)

# Links the API's route table and its compiled-in OpenAPI document.
tests_unit_test_openapi_SOURCES = tests/unit/test_openapi.c
tests_unit_test_openapi_CPPFLAGS = $(unit_api_cppflags)
tests_unit_test_openapi_CFLAGS = $(unit_cflags)
tests_unit_test_openapi_LDADD = $(unit_ldadd)

endif
