/* test_auth.c -- who is calling (src/api/auth.h): the answers that need no
 * database: a missing token, a malformed one, and the loopback exemption.
 * The API state has no database connection at all, so a check that
 * wrongly went on to look a key up would crash the test. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "auth.h"

static struct ts_conf conf;
static struct ts_api api;

static void setup(void)
{
	ts_conf_init(&conf);
	memset(&api, 0, sizeof(api));
	api.conf = &conf;
}

/* Asks for the tenant of a request with `authorization` from `addr`. */
static bool ask(const char *authorization, const char *addr, char *tenant,
		struct ts_http_response *resp)
{
	struct ts_http_request req;

	memset(&req, 0, sizeof(req));
	strcpy(req.method, "GET");
	strcpy(req.path, "/tasks");
	req.query = "";
	req.authorization = authorization;
	req.remote_addr = addr;
	strcpy(tenant, "unset");
	ts_http_response_init(resp);
	return ts_auth_tenant(&api, &req, tenant, resp);
}

/* `resp` must be a 401 with the JSON error and the challenge `challenge`. */
static void expect_401(struct ts_http_response *resp, const char *challenge,
		       const char *message_part)
{
	cJSON *body = cJSON_Parse(resp->body);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(body, "code");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(body, "error");

	ck_assert_int_eq(resp->status, 401);
	ck_assert_str_eq(resp->www_authenticate, challenge);
	ck_assert_msg(cJSON_IsString(code) && strcmp(code->valuestring, "unauthorized") == 0,
		      "body: %s", resp->body);
	ck_assert_msg(cJSON_IsString(error) && strstr(error->valuestring, message_part),
		      "body: %s", resp->body);
	cJSON_Delete(body);
	ts_http_response_cleanup(resp);
}

START_TEST(missing_token)
{
	struct ts_http_response resp;
	char tenant[TS_TENANT_MAX];

	ck_assert(!ask(NULL, "192.0.2.7", tenant, &resp));
	expect_401(&resp, "Bearer realm=\"tasksched\"", "Missing API key");
	ck_assert(!ask("", "192.0.2.7", tenant, &resp));
	expect_401(&resp, "Bearer realm=\"tasksched\"", "Missing API key");
	/* "required" (the default) exempts nobody, not even loopback. */
	ck_assert_str_eq(conf.auth, "required");
	ck_assert(!ask(NULL, "127.0.0.1", tenant, &resp));
	expect_401(&resp, "Bearer realm=\"tasksched\"", "Missing API key");
}
END_TEST

START_TEST(malformed_token)
{
	static const char *const bad[] = {
		"Basic dXNlcjpwYXNz",
		"Bearer",
		"Bearer abc",
		"Bearer tsk_",
		"Bearer tsk_abc def",
		"Bearer tsk_ab+c",
		"Token tsk_abc",
	};
	struct ts_http_response resp;
	char tenant[TS_TENANT_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!ask(bad[i], "127.0.0.1", tenant, &resp), "accepted '%s'", bad[i]);
		expect_401(&resp, "Bearer realm=\"tasksched\", error=\"invalid_token\"",
			   "Invalid API key");
		ck_assert_str_eq(tenant, "unset");
	}
}
END_TEST

START_TEST(loopback_off)
{
	static const char *const loopback[] = { "127.0.0.1", "127.8.9.10", "::1",
						"::ffff:127.0.0.1" };
	static const char *const remote[] = { "192.0.2.7", "128.0.0.1", "::2", "10.127.0.1",
					      "::ffff:10.0.0.1", "" };
	struct ts_error err;
	struct ts_http_response resp;
	char tenant[TS_TENANT_MAX];

	ck_assert_int_eq(ts_conf_set(&conf, "auth", "loopback-off", &err), TS_OK);
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		ck_assert_msg(ask(NULL, loopback[i], tenant, &resp), "refused %s", loopback[i]);
		ck_assert_str_eq(tenant, "default");
		ck_assert_ptr_null(resp.body);
		ts_http_response_cleanup(&resp);
	}
	for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++) {
		ck_assert_msg(!ask(NULL, remote[i], tenant, &resp), "served '%s'", remote[i]);
		expect_401(&resp, "Bearer realm=\"tasksched\"", "Missing API key");
	}
	ck_assert(!ask(NULL, NULL, tenant, &resp));
	expect_401(&resp, "Bearer realm=\"tasksched\"", "Missing API key");
	/* The exemption is for requests without a token: a bad one is still
	 * refused, from loopback too. */
	ck_assert(!ask("Bearer nope", "127.0.0.1", tenant, &resp));
	expect_401(&resp, "Bearer realm=\"tasksched\", error=\"invalid_token\"",
		   "Invalid API key");
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("without_database");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, missing_token);
	tcase_add_test(tc, malformed_token);
	tcase_add_test(tc, loopback_off);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
