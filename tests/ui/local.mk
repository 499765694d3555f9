# tests/ui/local.mk -- the dashboard in a real browser (chromium driven by
# puppeteer-core, which the test installs from npm into the build tree).
# Skipped (77) when chromium, node or npm is missing. Screenshots of every
# page land in tests/screenshots/ of the build tree.

ui_tests = tests/ui/dashboard.test

TESTS += $(ui_tests)

EXTRA_DIST += \
	$(ui_tests) \
	tests/ui/dashboard.mjs \
	tests/ui/package.json \
	tests/ui/package-lock.json

clean-local: clean-ui-tests
clean-ui-tests:
	-rm -rf tests/screenshots tests/ui/node
.PHONY: clean-ui-tests
