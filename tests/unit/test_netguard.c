/* test_netguard.c -- the SSRF guard (src/lib/netguard.h): which addresses
 * webhooks may reach, the allow-list, and the check made at creation. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "netguard.h"

/* The guard's verdict on a textual address: NULL when allowed. */
static const char *verdict(const struct ts_netguard *g, const char *text)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;

	memset(&in4, 0, sizeof(in4));
	memset(&in6, 0, sizeof(in6));
	if (inet_pton(AF_INET, text, &in4.sin_addr) == 1) {
		in4.sin_family = AF_INET;
		return ts_netguard_refusal(g, (struct sockaddr *)&in4);
	}
	ck_assert_msg(inet_pton(AF_INET6, text, &in6.sin6_addr) == 1, "bad test address %s", text);
	in6.sin6_family = AF_INET6;
	return ts_netguard_refusal(g, (struct sockaddr *)&in6);
}

START_TEST(internal_addresses_refused)
{
	static const char *const refused[] = {
		"127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0",
		"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.7",
		"198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
		"64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:c0a8:101::1", "2001:db8::1", "::127.0.0.1",
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(verdict(NULL, refused[i]) != NULL, "%s was allowed", refused[i]);
	ck_assert_str_eq(verdict(NULL, "127.0.0.1"), "loopback");
	ck_assert_str_eq(verdict(NULL, "10.0.0.1"), "private");
	ck_assert_ptr_nonnull(strstr(verdict(NULL, "169.254.169.254"), "metadata"));
}
END_TEST

START_TEST(public_addresses_allowed)
{
	static const char *const allowed[] = {
		"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.1",
		"100.63.255.255", "100.128.0.1", "11.0.0.1", "2606:4700:4700::1111",
		"2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "2002:0808:0808::1",
	};

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ck_assert_msg(verdict(NULL, allowed[i]) == NULL, "%s was refused: %s", allowed[i],
			      verdict(NULL, allowed[i]));
}
END_TEST

START_TEST(allow_list)
{
	struct ts_netguard g;
	struct ts_error err;

	ck_assert_int_eq(ts_netguard_parse(&g, "127.0.0.0/8, 10.1.0.0/16 fd00::/8,::1,"
					   "hooks.internal", &err), TS_OK);
	ck_assert_uint_eq(g.count, 5);
	ck_assert_ptr_null(verdict(&g, "127.0.0.1"));
	ck_assert_ptr_null(verdict(&g, "10.1.200.3"));
	ck_assert_ptr_nonnull(verdict(&g, "10.2.0.1"));
	ck_assert_ptr_null(verdict(&g, "fd00::5"));
	ck_assert_ptr_null(verdict(&g, "::1"));
	ck_assert_ptr_null(verdict(&g, "::ffff:127.0.0.1"));
	ck_assert_ptr_nonnull(verdict(&g, "169.254.169.254"));
	ck_assert(ts_netguard_host_allowed(&g, "hooks.internal"));
	ck_assert(ts_netguard_host_allowed(&g, "HOOKS.Internal"));
	ck_assert(!ts_netguard_host_allowed(&g, "evil.hooks.internal"));
	ck_assert_int_eq(ts_netguard_parse(&g, "", &err), TS_OK);
	ck_assert_uint_eq(g.count, 0);
}
END_TEST

START_TEST(bad_allow_list)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/", "bad!host", "a/b", "1.2.3.4/-1",
		"exa$mple.org",
	};
	struct ts_netguard g;
	struct ts_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(ts_netguard_parse(&g, bad[i], &err) == TS_ERR_INVALID, "%s accepted", bad[i]);
		ck_assert_str_eq(err.field, "webhook_allow");
	}
}
END_TEST

START_TEST(check_host_at_creation)
{
	static const char *const refused[] = {
		"127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "10.0.0.1",
		"169.254.169.254", "::1", "::ffff:127.0.0.1", "localhost", "LOCALHOST",
		"api.localhost", "localhost.", "0",
	};
	static const char *const allowed[] = { "example.org", "8.8.8.8", "2606:4700::1", "localhostx" };
	struct ts_netguard g;
	struct ts_error err;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_msg(ts_netguard_check_host(NULL, refused[i], &err) == TS_ERR_INVALID,
			      "%s accepted", refused[i]);
		ck_assert_str_eq(err.code, "invalid_field");
		ck_assert_str_eq(err.field, "payload.url");
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ck_assert_msg(ts_netguard_check_host(NULL, allowed[i], &err) == TS_OK, "%s refused",
			      allowed[i]);
	ck_assert_int_eq(ts_netguard_parse(&g, "127.0.0.0/8, localhost", &err), TS_OK);
	ck_assert_int_eq(ts_netguard_check_host(&g, "127.0.0.1", &err), TS_OK);
	ck_assert_int_eq(ts_netguard_check_host(&g, "localhost", &err), TS_OK);
	ck_assert_int_eq(ts_netguard_check_host(&g, "10.0.0.1", &err), TS_ERR_INVALID);
}
END_TEST

/* metrics_allow: a list of client addresses, matched on REMOTE_ADDR text. */
START_TEST(client_address_lists)
{
	struct ts_netguard g;
	struct ts_error err;

	ck_assert_int_eq(ts_netguard_parse_cidrs(&g, "127.0.0.0/8, ::1 10.1.0.0/16", "metrics_allow",
						 &err), TS_OK);
	ck_assert(ts_netguard_addr_listed(&g, "127.0.0.1"));
	ck_assert(ts_netguard_addr_listed(&g, "127.9.9.9"));
	ck_assert(ts_netguard_addr_listed(&g, "::1"));
	ck_assert(ts_netguard_addr_listed(&g, "::ffff:127.0.0.1"));
	ck_assert(ts_netguard_addr_listed(&g, "10.1.200.3"));
	ck_assert(!ts_netguard_addr_listed(&g, "10.2.0.1"));
	ck_assert(!ts_netguard_addr_listed(&g, "::2"));
	ck_assert(!ts_netguard_addr_listed(&g, "localhost"));
	ck_assert(!ts_netguard_addr_listed(&g, ""));
	ck_assert(!ts_netguard_addr_listed(&g, NULL));
	ck_assert_int_eq(ts_netguard_parse_cidrs(&g, "", "metrics_allow", &err), TS_OK);
	ck_assert(!ts_netguard_addr_listed(&g, "127.0.0.1"));
	/* Host names mean nothing for a client address: an error naming the key. */
	ck_assert_int_eq(ts_netguard_parse_cidrs(&g, "127.0.0.1, prometheus.example",
						 "metrics_allow", &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.field, "metrics_allow");
	ck_assert_ptr_nonnull(strstr(err.message, "prometheus.example"));
	ck_assert_int_eq(ts_netguard_parse_cidrs(&g, "10.0.0.0/33", "metrics_allow", &err),
			 TS_ERR_INVALID);
}
END_TEST

static Suite *netguard_suite(void)
{
	Suite *s = suite_create("netguard");
	TCase *tc = tcase_create("netguard");

	tcase_add_test(tc, internal_addresses_refused);
	tcase_add_test(tc, public_addresses_allowed);
	tcase_add_test(tc, allow_list);
	tcase_add_test(tc, bad_allow_list);
	tcase_add_test(tc, check_host_at_creation);
	tcase_add_test(tc, client_address_lists);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(netguard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
