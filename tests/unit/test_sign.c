/* test_sign.c -- webhook signatures and digests (src/lib/sign.h), checked
 * against published vectors and an independent computation. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"

START_TEST(sha256_vectors)
{
	char hex[TS_SHA256_HEX_MAX];
	struct ts_error err;

	/* FIPS 180-2 examples */
	ck_assert_int_eq(ts_sign_sha256_hex("abc", 3, hex, &err), TS_OK);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(ts_sign_sha256_hex("", 0, hex, &err), TS_OK);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(signature_format_and_value)
{
	char sig[TS_SIGNATURE_MAX];
	struct ts_error err;

	/* HMAC-SHA256("key", "1700000000.{\"a\":1}"), computed independently with
	 * printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key */
	ck_assert_int_eq(ts_sign_webhook("key", 3, 1700000000LL, "{\"a\":1}", 7, sig, &err), TS_OK);
	ck_assert_str_eq(sig, "t=1700000000,v1="
			      "a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
}
END_TEST

START_TEST(signature_depends_on_everything)
{
	char a[TS_SIGNATURE_MAX], b[TS_SIGNATURE_MAX];
	struct ts_error err;

	ts_sign_webhook("secret", 6, 100, "body", 4, a, &err);
	ts_sign_webhook("secret", 6, 100, "body", 4, b, &err);
	ck_assert_str_eq(a, b);
	ts_sign_webhook("secreT", 6, 100, "body", 4, b, &err);
	ck_assert_str_ne(a, b);
	ts_sign_webhook("secret", 6, 101, "body", 4, b, &err);
	ck_assert_str_ne(a + 10, b + 10);
	ts_sign_webhook("secret", 6, 100, "bodY", 4, b, &err);
	ck_assert_str_ne(a, b);
	/* an empty body (GET) is signed too */
	ck_assert_int_eq(ts_sign_webhook("secret", 6, 100, "", 0, b, &err), TS_OK);
	ck_assert_int_eq((int)strlen(b), (int)strlen("t=100,v1=") + 64);
}
END_TEST

START_TEST(constant_time_equal)
{
	ck_assert(ts_sign_equal("abcdef", "abcdef", 6));
	ck_assert(!ts_sign_equal("abcdef", "abcdeF", 6));
	ck_assert(!ts_sign_equal("Xbcdef", "abcdef", 6));
	ck_assert(ts_sign_equal("", "", 0));
}
END_TEST

START_TEST(standard_signature_published_vector)
{
	/* The example of the Standard Webhooks specification (and of its
	 * libraries' tests). */
	static const char secret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	static const char body[] = "{\"test\": 2432232314}";
	struct ts_sign_key key;
	char sig[TS_STANDARD_SIGNATURE_MAX];
	struct ts_error err;

	ck_assert_int_eq(ts_sign_standard_key(secret, strlen(secret), &key, &err), TS_OK);
	ck_assert_int_eq((int)key.len, 24);
	ck_assert_int_eq(ts_sign_standard(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330LL,
					  body, strlen(body), sig, &err), TS_OK);
	ck_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}
END_TEST

START_TEST(standard_secret_forms)
{
	struct ts_sign_key key;
	struct ts_error err;
	/* "whsec_" + base64 of 32 bytes, with padding, and a longer text of
	 * which only the first secret is read (the length is given). */
	static const char padded[] = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	static const char list[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_other";

	ck_assert_int_eq(ts_sign_standard_key(padded, strlen(padded), &key, &err), TS_OK);
	ck_assert_int_eq((int)key.len, 32);
	ck_assert_int_eq(key.bytes[0], 0);
	ck_assert_int_eq(key.bytes[31], 31);
	ck_assert_int_eq(ts_sign_standard_key(list, 38, &key, &err), TS_OK);
	ck_assert_int_eq((int)key.len, 24);

	/* No prefix, a bad character, a length not a multiple of 4, too short. */
	ck_assert_int_eq(ts_sign_standard_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 32, &key, &err),
			 TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "invalid_secret");
	ck_assert_int_eq(ts_sign_standard_key("whsec_MfKQ9r8GKYqr*wjUPD8ILPZIo2LaLaSw", 38, &key,
					      &err), TS_ERR_INVALID);
	ck_assert_int_eq(ts_sign_standard_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", 37, &key,
					      &err), TS_ERR_INVALID);
	ck_assert_int_eq(ts_sign_standard_key("whsec_AAAA", 10, &key, &err), TS_ERR_INVALID);
	ck_assert_int_eq(ts_sign_standard_key("whsec_", 6, &key, &err), TS_ERR_INVALID);
}
END_TEST

static Suite *sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("sign");

	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, signature_format_and_value);
	tcase_add_test(tc, signature_depends_on_everything);
	tcase_add_test(tc, constant_time_equal);
	tcase_add_test(tc, standard_signature_published_vector);
	tcase_add_test(tc, standard_secret_forms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sign_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
