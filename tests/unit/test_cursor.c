/* test_cursor.c -- keyset-pagination cursors (src/lib/cursor.h): what
 * ts_cursor_encode makes decodes back; anything else is a 400 naming the
 * cursor parameter. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "id.h"
#include "tstime.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* An independent base64url encoder (no padding), to craft cursors. */
static void b64url(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t chunk = len - i < 3 ? len - i : 3;
		if (chunk > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (chunk > 2)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (chunk > 1)
			out[o++] = alphabet[(v >> 6) & 63];
		if (chunk > 2)
			out[o++] = alphabet[v & 63];
	}
	out[o] = '\0';
}

static void rejected(const char *text)
{
	struct ts_cursor c;
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_msg(ts_cursor_decode(text, &c, &err) == TS_ERR_INVALID,
		      "cursor accepted: '%.120s'", text);
	ck_assert_int_eq(err.status, TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "invalid_parameter");
	ck_assert_str_eq(err.field, "cursor");
	ck_assert(err.message[0] != '\0');
}

/* Crafts base64url of `raw` (with its length, NULs allowed) and checks
 * that it is refused. */
static void raw_rejected(const char *raw, size_t len)
{
	char text[512];

	ck_assert_uint_lt(len, 300);
	b64url((const unsigned char *)raw, len, text);
	rejected(text);
}

static void round_trip(ts_time_us run_at, const char *id)
{
	struct ts_cursor in, out;
	struct ts_error err;
	char text[TS_CURSOR_TEXT_MAX];

	memset(&in, 0, sizeof(in));
	in.run_at = run_at;
	snprintf(in.id, sizeof(in.id), "%s", id);
	memset(text, 0x7f, sizeof(text));
	ts_cursor_encode(&in, text);

	ck_assert_ptr_nonnull(memchr(text, '\0', sizeof(text)));
	ck_assert_uint_gt(strlen(text), 0);
	/* Safe in a query string as it is: no '+', '/', '=' or '%'. */
	ck_assert_uint_eq(strspn(text, alphabet), strlen(text));

	ts_error_clear(&err);
	memset(&out, 0x55, sizeof(out));
	ck_assert_msg(ts_cursor_decode(text, &out, &err) == TS_OK, "'%s' refused: %s", text,
		      err.message);
	ck_assert_int_eq(out.run_at, run_at);
	ck_assert_str_eq(out.id, id);
}

START_TEST(encode_decode_round_trip)
{
	char id[TS_ID_TEXT_MAX];
	ts_time_us t = 0;

	ck_assert_int_eq(ts_time_parse_rfc3339("2026-03-01T09:00:00.123456Z", &t, NULL), TS_OK);
	for (int i = 0; i < 50; i++) {
		ts_id_new(id);
		round_trip(t + i * 7919, id);
	}
	round_trip(0, "00000000-0000-0000-0000-000000000000");
	round_trip(1, "ffffffff-ffff-ffff-ffff-ffffffffffff");
	round_trip(-1, "0190a6f2-1234-7abc-8def-0123456789ab");
	/* The whole range of valid instants, and beyond. */
	round_trip(INT64_C(253402300799999999), "0190a6f2-1234-7abc-8def-0123456789ab");
	round_trip(INT64_C(-62135596800000000), "0190a6f2-1234-7abc-8def-0123456789ab");
	round_trip(INT64_MAX, "0190a6f2-1234-7abc-8def-0123456789ab");
	round_trip(INT64_MIN, "0190a6f2-1234-7abc-8def-0123456789ab");
}
END_TEST

START_TEST(distinct_positions_distinct_text)
{
	struct ts_cursor a, b;
	char ta[TS_CURSOR_TEXT_MAX], tb[TS_CURSOR_TEXT_MAX];

	memset(&a, 0, sizeof(a));
	a.run_at = 1000;
	snprintf(a.id, sizeof(a.id), "0190a6f2-1234-7abc-8def-0123456789ab");
	b = a;
	b.run_at = 1001;
	ts_cursor_encode(&a, ta);
	ts_cursor_encode(&b, tb);
	ck_assert_str_ne(ta, tb);
	b = a;
	b.id[35] = 'c';
	ts_cursor_encode(&b, tb);
	ck_assert_str_ne(ta, tb);
}
END_TEST

START_TEST(garbage_rejected)
{
	static const char *const bad[] = {
		"", "a", "ab", "abc", "abcd", "====", "!!!!", "v1:0:0190a6f2-1234-7abc-8def-0123456789ab",
		"null", "undefined", "0", "-1", " ", "dGVzdA", "dGVzdA==", "%20", "a b",
		"djE6MTIzOjAxOTBhNmYyLTEyMzQtN2FiYy04ZGVmLTAxMjM0NTY3ODlhYg==",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rejected(bad[i]);
}
END_TEST

START_TEST(crafted_rejected)
{
	static const char id[] = "0190a6f2-1234-7abc-8def-0123456789ab";
	char raw[256];

	/* Wrong version, missing or malformed parts. */
	snprintf(raw, sizeof(raw), "v2:123:%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "V1:123:%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1:abc:%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1::%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1:123%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1:123:%s:extra", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1:123:%sX", id);
	raw_rejected(raw, strlen(raw));
	raw_rejected("v1:123:", 7);
	raw_rejected("v1:123", 6);
	raw_rejected("v1", 2);
	raw_rejected("v1:123:not-a-uuid", 17);
	raw_rejected("v1:123:0190a6f212347abc8def0123456789ab", 39);
	/* Other spellings of a valid position. */
	snprintf(raw, sizeof(raw), "v1:0123:%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1:+123:%s", id);
	raw_rejected(raw, strlen(raw));
	snprintf(raw, sizeof(raw), "v1: 123:%s", id);
	raw_rejected(raw, strlen(raw));
	raw_rejected("v1:123:0190A6F2-1234-7ABC-8DEF-0123456789AB", 43);
	/* A run_at past int64. */
	snprintf(raw, sizeof(raw), "v1:99999999999999999999:%s", id);
	raw_rejected(raw, strlen(raw));
	/* A NUL byte inside. */
	snprintf(raw, sizeof(raw), "v1:123:%s", id);
	raw[3] = '\0';
	raw_rejected(raw, strlen(id) + 7);
	snprintf(raw, sizeof(raw), "v1:123:%s", id);
	raw_rejected(raw, strlen(raw) + 1);
}
END_TEST

/* A cursor for tampering with. */
static void sample(char text[TS_CURSOR_TEXT_MAX], struct ts_cursor *c)
{
	memset(c, 0, sizeof(*c));
	c->run_at = INT64_C(1772355600123456);
	snprintf(c->id, sizeof(c->id), "0190a6f2-1234-7abc-8def-0123456789ab");
	ts_cursor_encode(c, text);
}

START_TEST(truncated_rejected)
{
	char text[TS_CURSOR_TEXT_MAX];
	struct ts_cursor c;
	size_t len;

	sample(text, &c);
	len = strlen(text);
	for (size_t cut = 0; cut < len; cut++) {
		text[cut] = '\0';
		rejected(text);
		sample(text, &c);
	}
	/* The tail alone. */
	rejected(text + 4);
	rejected(text + 1);
}
END_TEST

START_TEST(extended_rejected)
{
	char text[TS_CURSOR_TEXT_MAX + 8];
	struct ts_cursor c;
	size_t len;

	sample(text, &c);
	len = strlen(text);
	for (const char *a = alphabet; *a; a++) {
		text[len] = *a;
		text[len + 1] = '\0';
		rejected(text);
	}
	strcpy(text + len, "==");
	rejected(text);
	strcpy(text + len, "AAAA");
	rejected(text);
	text[len] = '\0';
	/* Characters outside base64url, anywhere. */
	static const char foreign[] = "+/=.% \t\n~!*\x80\xff";
	for (size_t i = 0; i < len; i += 5) {
		for (const char *f = foreign; *f; f++) {
			char saved = text[i];
			text[i] = *f;
			rejected(text);
			text[i] = saved;
		}
	}
}
END_TEST

START_TEST(altered_never_same_position)
{
	char text[TS_CURSOR_TEXT_MAX];
	struct ts_cursor c, out;
	struct ts_error err;
	size_t len;

	sample(text, &c);
	len = strlen(text);
	/* Every one-character change: either refused, or a different
	 * position (never a second spelling of the same one). */
	for (size_t i = 0; i < len; i++) {
		char saved = text[i];
		for (const char *a = alphabet; *a; a++) {
			if (*a == saved)
				continue;
			text[i] = *a;
			ts_error_clear(&err);
			if (ts_cursor_decode(text, &out, &err) == TS_OK) {
				ck_assert_msg(out.run_at != c.run_at || strcmp(out.id, c.id) != 0,
					      "'%s' decodes to the original position", text);
				ck_assert(ts_id_is_valid(out.id));
			} else {
				ck_assert_str_eq(err.code, "invalid_parameter");
				ck_assert_str_eq(err.field, "cursor");
			}
		}
		text[i] = saved;
	}
	/* The first characters carry the version prefix. */
	for (const char *a = alphabet; *a; a++) {
		if (*a == text[0])
			continue;
		char saved = text[0];
		text[0] = *a;
		rejected(text);
		text[0] = saved;
	}
}
END_TEST

START_TEST(overlong_rejected)
{
	char *big = malloc(4097);

	ck_assert_ptr_nonnull(big);
	memset(big, 'A', 4096);
	big[4096] = '\0';
	rejected(big);
	big[TS_CURSOR_TEXT_MAX] = '\0';
	rejected(big);
	big[200] = '\0';
	memset(big, 'A', 200);
	rejected(big);
	free(big);

	/* A well-formed but over-long payload. */
	char raw[200];
	snprintf(raw, sizeof(raw), "v1:%0120d:0190a6f2-1234-7abc-8def-0123456789ab", 1);
	raw_rejected(raw, strlen(raw));
}
END_TEST

static Suite *cursor_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("cursor");

	tcase_add_test(tc, encode_decode_round_trip);
	tcase_add_test(tc, distinct_positions_distinct_text);
	tcase_add_test(tc, garbage_rejected);
	tcase_add_test(tc, crafted_rejected);
	tcase_add_test(tc, truncated_rejected);
	tcase_add_test(tc, extended_rejected);
	tcase_add_test(tc, altered_never_same_position);
	tcase_add_test(tc, overlong_rejected);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cursor_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
