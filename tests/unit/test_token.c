/* test_token.c -- API tokens: their shape, their digest and reading them
 * from an Authorization header (src/lib/token.h). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "token.h"

/* "tsk_" and the base64url text of the random bytes. */
#define TOKEN_LEN (sizeof(TS_TOKEN_PREFIX) - 1 + TS_B64URL_LEN(TS_TOKEN_RANDOM_BYTES))

static bool is_b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

START_TEST(generate_shape)
{
	char tok[TS_TOKEN_TEXT_MAX];
	unsigned char raw[64];
	size_t raw_len;
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_int_eq(ts_token_generate(tok, &err), TS_OK);
	ck_assert_uint_eq(strlen(tok), TOKEN_LEN);
	ck_assert_uint_lt(strlen(tok), TS_TOKEN_TEXT_MAX);
	ck_assert_int_eq(strncmp(tok, TS_TOKEN_PREFIX, 4), 0);
	for (size_t i = 4; i < TOKEN_LEN; i++)
		ck_assert_msg(is_b64url_char(tok[i]), "character %zu of %s", i, tok);
	/* 256 bits behind the prefix. */
	ck_assert(ts_b64url_decode(tok + 4, raw, sizeof(raw), &raw_len));
	ck_assert_uint_eq(raw_len, TS_TOKEN_RANDOM_BYTES);
}
END_TEST

START_TEST(generate_distinct)
{
	enum { N = 200 };
	static char toks[N][TS_TOKEN_TEXT_MAX];
	struct ts_error err;

	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(ts_token_generate(toks[i], &err), TS_OK);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(toks[i], toks[j]);
	}
}
END_TEST

/* A generated token survives the trip through an Authorization header. */
START_TEST(header_roundtrip)
{
	char tok[TS_TOKEN_TEXT_MAX], got[TS_TOKEN_TEXT_MAX], header[128];
	struct ts_error err;

	ck_assert_int_eq(ts_token_generate(tok, &err), TS_OK);
	snprintf(header, sizeof(header), "Bearer %s", tok);
	ck_assert(ts_token_from_header(header, got));
	ck_assert_str_eq(got, tok);
}
END_TEST

START_TEST(header_accepted)
{
	static const struct {
		const char *header, *token;
	} ok[] = {
		{ "Bearer tsk_abc", "tsk_abc" },
		{ "bearer tsk_abc", "tsk_abc" },        /* the scheme is case-insensitive */
		{ "BEARER tsk_abc", "tsk_abc" },
		{ "Bearer\ttsk_abc", "tsk_abc" },
		{ "Bearer    tsk_a-b_C9", "tsk_a-b_C9" },
		{ "Bearer tsk_abc \t", "tsk_abc" },     /* trailing white space */
		{ "Bearer tsk_x", "tsk_x" },
	};
	char got[TS_TOKEN_TEXT_MAX];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(got, 'x', sizeof(got));
		ck_assert_msg(ts_token_from_header(ok[i].header, got), "refused: '%s'",
			      ok[i].header);
		ck_assert_str_eq(got, ok[i].token);
	}
}
END_TEST

START_TEST(header_rejected)
{
	static const char *const bad[] = {
		"",
		"tsk_abc",                     /* no scheme */
		"Basic dXNlcjpwYXNz",
		"Basic tsk_abc",
		"Bearer",
		"Bearer ",
		"Bearertsk_abc",               /* no separator */
		"Bearer: tsk_abc",
		"Bearer tsk_",                 /* the prefix alone */
		"Bearer TSK_abc",              /* the prefix is case-sensitive */
		"Bearer abc_def",
		"Bearer tsk_abc def",          /* two words */
		"Bearer tsk_ab+c",             /* base64, not base64url */
		"Bearer tsk_abc=",             /* padding */
		"Bearer tsk_ab.c",
		"Bearer tsk_\xc3\xa9",
		"Bearer tsk_abc\r\n",
	};
	char got[TS_TOKEN_TEXT_MAX];

	ck_assert(!ts_token_from_header(NULL, got));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ts_token_from_header(bad[i], got), "accepted: '%s'", bad[i]);
}
END_TEST

/* The token must fit `out`: the longest accepted is TS_TOKEN_TEXT_MAX - 1. */
START_TEST(header_length)
{
	char header[256], got[TS_TOKEN_TEXT_MAX];

	memset(header, 'a', sizeof(header));
	memcpy(header, "Bearer tsk_", 11);
	header[7 + TS_TOKEN_TEXT_MAX - 1] = '\0';
	ck_assert(ts_token_from_header(header, got));
	ck_assert_uint_eq(strlen(got), TS_TOKEN_TEXT_MAX - 1);

	memset(header, 'a', sizeof(header));
	memcpy(header, "Bearer tsk_", 11);
	header[7 + TS_TOKEN_TEXT_MAX] = '\0';
	ck_assert(!ts_token_from_header(header, got));
}
END_TEST

START_TEST(hash_known)
{
	char hex[TS_SHA256_HEX_MAX], again[TS_SHA256_HEX_MAX], other[TS_SHA256_HEX_MAX];
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_int_eq(ts_token_hash("tsk_abc", hex, &err), TS_OK);
	/* printf 'tsk_abc' | sha256sum */
	ck_assert_str_eq(hex, "c4a98b7b973a42b43da3dcb611c9f10a82de037aeacde8a1d7bb48472276c9a7");
	ck_assert_int_eq(ts_token_hash("tsk_abc", again, &err), TS_OK);
	ck_assert_str_eq(again, hex);
	ck_assert_int_eq(ts_token_hash("tsk_abd", other, &err), TS_OK);
	ck_assert_str_ne(other, hex);
}
END_TEST

static Suite *token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("generate");

	tcase_add_test(tc, generate_shape);
	tcase_add_test(tc, generate_distinct);
	tcase_add_test(tc, hash_known);
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	tcase_add_test(tc, header_roundtrip);
	tcase_add_test(tc, header_accepted);
	tcase_add_test(tc, header_rejected);
	tcase_add_test(tc, header_length);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(token_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
