# tests/fault/local.mk -- fault tests: MariaDB killed under a POST load and
# under a running executor, hostile webhook targets (hanging, resetting,
# trickling, 10 MB answers, redirects, addresses the SSRF guard refuses),
# and an API + executor session under valgrind memcheck (skipped without
# valgrind). Each starts its own stack in a temporary directory, is bounded
# in time, and tears everything down (scripts/stack.sh, testlib.sh,
# execlib.sh).
# Included by Makefile.am, whose AM_TESTS_ENVIRONMENT gives the tests
# abs_top_srcdir, abs_top_builddir and TMPDIR; the sink comes from
# tests/executor/local.mk.

fault_tests = \
	tests/fault/db-kill-post.test \
	tests/fault/executor-db-loss.test \
	tests/fault/hostile-targets.test \
	tests/fault/valgrind.test

TESTS += $(fault_tests)

EXTRA_DIST += \
	$(fault_tests) \
	tests/fault/hostile.py
