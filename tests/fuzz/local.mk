# tests/fuzz/local.mk -- the libFuzzer harnesses (included by Makefile.am).
# They need clang and are built by tests/fuzz/build.sh, not by make (the
# configured compiler may be gcc); "make fuzz" builds and runs each for
# FUZZ_SECONDS. See tests/fuzz/README.md.

EXTRA_DIST += \
	tests/fuzz/README.md \
	tests/fuzz/build.sh \
	tests/fuzz/run.sh \
	tests/fuzz/fuzz_request.c \
	tests/fuzz/fuzz_rfc3339.c \
	tests/fuzz/fuzz_cursor.c \
	tests/fuzz/fuzz_query.c \
	tests/fuzz/fuzz_merge_patch.c \
	tests/fuzz/request.dict \
	tests/fuzz/rfc3339.dict \
	tests/fuzz/cursor.dict \
	tests/fuzz/query.dict \
	tests/fuzz/corpus \
	tests/fuzz/regressions

FUZZ_SECONDS = 60

fuzz:
	$(top_srcdir)/tests/fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: fuzz
