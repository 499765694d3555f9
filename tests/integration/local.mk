# tests/integration/local.mk -- black-box tests of the whole stack over real
# HTTP: each starts its own MariaDB, spawn-fcgi and lighttpd or Apache in a
# temporary directory and tears them down (scripts/stack.sh). Their
# environment is AM_TESTS_ENVIRONMENT in Makefile.am.

integration_tests = \
	tests/integration/api-lighttpd.test \
	tests/integration/api-apache.test \
	tests/integration/db-outage.test \
	tests/integration/explain.test \
	tests/integration/auth.test \
	tests/integration/schedules.test \
	tests/integration/changes.test \
	tests/integration/metrics.test \
	tests/integration/openapi.test \
	tests/integration/redrive.test \
	tests/integration/batch.test \
	tests/integration/prune.test \
	tests/integration/migrate.test

TESTS += $(integration_tests)

EXTRA_DIST += \
	$(integration_tests) \
	tests/integration/testlib.sh \
	tests/integration/promcheck.py \
	tests/integration/openapi/redocly.yaml \
	tests/integration/openapi/redocly-lint-ignore.yaml \
	scripts/deps \
	scripts/run \
	scripts/proc.sh \
	scripts/stack.sh \
	scripts/stack-apache2.conf.in \
	scripts/stack-lighttpd.conf.in \
	scripts/test \
	conf/lighttpd/tasksched.conf \
	conf/apache/tasksched.conf

# openapi.test installs @redocly/cli here (and uses it again next time).
clean-local: clean-openapi-npm
clean-openapi-npm:
	rm -rf tests/integration/openapi-npm
.PHONY: clean-openapi-npm
