/* router.c -- matching a method and path against a table of routes. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "router.h"

/* Compares a path with a pattern segment by segment; captures the text of
 * a "{...}" segment into `param`. */
static bool path_matches(const char *pattern, const char *path, size_t path_len,
			 char param[TS_ROUTE_PARAM_MAX])
{
	const char *p = pattern, *s = path, *s_end = path + path_len;

	param[0] = '\0';
	while (*p && s < s_end) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		size_t plen = strcspn(p, "/");
		const char *seg_end = memchr(s, '/', (size_t)(s_end - s));
		size_t slen = seg_end ? (size_t)(seg_end - s) : (size_t)(s_end - s);
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || slen >= TS_ROUTE_PARAM_MAX)
				return false;
			memcpy(param, s, slen);
			param[slen] = '\0';
		} else if (plen != slen || strncmp(p, s, slen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
	}
	return *p == '\0' && s == s_end;
}

enum ts_route_result ts_router_match(const struct ts_route *routes, size_t count,
				     const char *method, const char *path,
				     const struct ts_route **route,
				     char param[TS_ROUTE_PARAM_MAX], char *allow,
				     size_t allow_size)
{
	size_t len = strlen(path);
	bool path_known = false;
	size_t used = 0;
	char scratch[TS_ROUTE_PARAM_MAX];

	if (len > 1 && path[len - 1] == '/')
		len--;
	*route = NULL;
	if (allow_size)
		allow[0] = '\0';
	/* The request's method first: comparing it is cheaper than the path. */
	for (size_t i = 0; i < count; i++) {
		if (strcmp(routes[i].method, method) == 0 &&
		    path_matches(routes[i].pattern, path, len, scratch)) {
			*route = &routes[i];
			memcpy(param, scratch, TS_ROUTE_PARAM_MAX);
			return TS_ROUTE_FOUND;
		}
	}
	/* No route: does the path have others, and which (for a 405)? */
	for (size_t i = 0; i < count; i++) {
		if (!path_matches(routes[i].pattern, path, len, scratch))
			continue;
		path_known = true;
		if (allow_size > used) {
			int n = snprintf(allow + used, allow_size - used, "%s%s",
					 used ? ", " : "", routes[i].method);
			if (n > 0)
				used += (size_t)n;
		}
	}
	return path_known ? TS_ROUTE_METHOD_NOT_ALLOWED : TS_ROUTE_NOT_FOUND;
}
