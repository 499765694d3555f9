# tests/integration/local.mk -- black-box tests of the whole stack over real
# HTTP: each starts its own MariaDB, spawn-fcgi and lighttpd or Apache in a
# temporary directory and tears them down (scripts/stack.sh).

# The tests find the sources (sql/, conf/, scripts/) and the built programs
# through these; the unit-test fragment relies on this definition too.
AM_TESTS_ENVIRONMENT = export abs_top_srcdir='$(abs_top_srcdir)' abs_top_builddir='$(abs_top_builddir)';

integration_tests = \
	tests/integration/api-lighttpd.test \
	tests/integration/api-apache.test \
	tests/integration/db-outage.test \
	tests/integration/explain.test \
	tests/integration/auth.test \
	tests/integration/metrics.test \
	tests/integration/changes.test

TESTS += $(integration_tests)

EXTRA_DIST += \
	$(integration_tests) \
	tests/integration/testlib.sh \
	tests/integration/promcheck.py \
	scripts/deps \
	scripts/run \
	scripts/stack.sh \
	scripts/test \
	conf/lighttpd/tasksched.conf \
	conf/apache/tasksched.conf
