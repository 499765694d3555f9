/* test_openapi.c -- the OpenAPI document GET /openapi.json serves
 * (src/api/openapi.json) stays true to the router table (src/api/routes.c):
 * every route is documented, every documented operation is routed, keyless
 * routes say so, and keyed ones document 401 and 503. A route added without
 * its documentation fails here. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "openapi.h"

static const char *const doc_methods[] = { "get", "put", "post", "delete", "options", "head",
					   "patch", "trace" };

static cJSON *doc;

static void load(void)
{
	doc = cJSON_Parse(ts_openapi_json);
	ck_assert_msg(doc != NULL, "openapi.json is not JSON near: %.60s", cJSON_GetErrorPtr());
}

static void unload(void)
{
	cJSON_Delete(doc);
	doc = NULL;
}

static void lower(const char *in, char *out, size_t size)
{
	size_t i = 0;

	for (; in[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static cJSON *operation(const char *path, const char *method)
{
	char m[16];

	lower(method, m, sizeof(m));
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "paths"), path),
		m);
}

START_TEST(document_is_openapi_31_of_this_version)
{
	cJSON *info = cJSON_GetObjectItemCaseSensitive(doc, "info");

	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "openapi")),
			 "3.1.0");
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(info, "version")),
			 PACKAGE_VERSION);
}
END_TEST

START_TEST(every_route_is_documented)
{
	size_t n;
	const struct ts_route *routes = ts_api_routes(&n);

	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct ts_route *r = &routes[i];
		cJSON *op = operation(r->pattern, r->method);
		ck_assert_msg(op != NULL, "%s %s is routed but not in src/api/openapi.json",
			      r->method, r->pattern);
		cJSON *security = cJSON_GetObjectItemCaseSensitive(op, "security");
		if (r->open)
			ck_assert_msg(cJSON_IsArray(security) && cJSON_GetArraySize(security) == 0,
				      "%s %s needs no key: document it with \"security\": []",
				      r->method, r->pattern);
		else
			ck_assert_msg(security == NULL, "%s %s needs a key: keep the global security",
				      r->method, r->pattern);
	}
}
END_TEST

static bool routed(const char *method, const char *path)
{
	size_t n;
	const struct ts_route *routes = ts_api_routes(&n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(routes[i].pattern, path) == 0 && strcasecmp(routes[i].method, method) == 0)
			return true;
	}
	return false;
}

START_TEST(every_documented_operation_is_routed)
{
	cJSON *path;
	size_t ops = 0;

	cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(doc, "paths")) {
		for (size_t m = 0; m < sizeof(doc_methods) / sizeof(doc_methods[0]); m++) {
			if (!cJSON_GetObjectItemCaseSensitive(path, doc_methods[m]))
				continue;
			ops++;
			ck_assert_msg(routed(doc_methods[m], path->string),
				      "%s %s is documented but src/api/routes.c does not route it",
				      doc_methods[m], path->string);
		}
	}
	ck_assert_uint_gt(ops, 0);
}
END_TEST

START_TEST(operations_document_success_and_failures)
{
	size_t n;
	const struct ts_route *routes = ts_api_routes(&n);

	for (size_t i = 0; i < n; i++) {
		const struct ts_route *r = &routes[i];
		cJSON *responses = cJSON_GetObjectItemCaseSensitive(operation(r->pattern, r->method),
								    "responses");
		cJSON *resp;
		bool success = false;
		cJSON_ArrayForEach(resp, responses) {
			if (resp->string[0] == '2')
				success = true;
		}
		ck_assert_msg(success, "%s %s documents no 2xx answer", r->method, r->pattern);
		if (r->open)
			continue;
		ck_assert_msg(cJSON_GetObjectItemCaseSensitive(responses, "401") &&
			      cJSON_GetObjectItemCaseSensitive(responses, "503"),
			      "%s %s needs a key and the database: document 401 and 503",
			      r->method, r->pattern);
	}
}
END_TEST

static Suite *openapi_suite(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("document");

	tcase_add_checked_fixture(tc, load, unload);
	tcase_add_test(tc, document_is_openapi_31_of_this_version);
	tcase_add_test(tc, every_route_is_documented);
	tcase_add_test(tc, every_documented_operation_is_routed);
	tcase_add_test(tc, operations_document_success_and_failures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(openapi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
