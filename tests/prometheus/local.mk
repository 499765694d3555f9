# tests/prometheus/local.mk -- the Prometheus alerting rules of
# conf/prometheus/ (installed by Makefile.am), checked and unit-tested with
# promtool (included by Makefile.am).

prometheus_tests = tests/prometheus/rules.test
TESTS += $(prometheus_tests)
EXTRA_DIST += $(prometheus_tests) tests/prometheus/tasksched-rules.test.yml
