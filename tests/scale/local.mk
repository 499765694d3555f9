# tests/scale/local.mk -- the scale-out harness (tests/scale/run) in its
# short variant: Galera nodes, API and executor hosts in network
# namespaces. Included by Makefile.am; abs_top_srcdir and abs_top_builddir
# come from the AM_TESTS_ENVIRONMENT of tests/integration/local.mk.

scale_tests = tests/scale/scale-short.test

TESTS += $(scale_tests)

EXTRA_DIST += \
	$(scale_tests) \
	tests/scale/run \
	tests/scale/lib.sh \
	tests/scale/scenarios.sh
