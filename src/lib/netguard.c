/* netguard.c -- which network addresses webhooks may reach (the SSRF
 * guard): by default only public unicast addresses, plus an allow-list.
 *
 * The executor applies ts_netguard_refusal() to the address a connection
 * is actually opened to, after name resolution, so a name that resolves
 * (or re-resolves: DNS rebinding) to an internal address is refused too. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netguard.h"

struct block {
	const char *cidr;
	const char *why;
};

/* Special-purpose ranges (IANA registries, RFC 6890 and successors) that a
 * webhook has no business reaching. */
static const struct block blocked_v4[] = {
	{ "0.0.0.0/8", "unspecified" },
	{ "10.0.0.0/8", "private" },
	{ "100.64.0.0/10", "shared (CGNAT)" },
	{ "127.0.0.0/8", "loopback" },
	{ "169.254.0.0/16", "link-local (cloud metadata)" },
	{ "172.16.0.0/12", "private" },
	{ "192.0.0.0/24", "IETF protocol assignments" },
	{ "192.0.2.0/24", "documentation" },
	{ "192.88.99.0/24", "6to4 relay anycast" },
	{ "192.168.0.0/16", "private" },
	{ "198.18.0.0/15", "benchmarking" },
	{ "198.51.100.0/24", "documentation" },
	{ "203.0.113.0/24", "documentation" },
	{ "224.0.0.0/4", "multicast" },
	{ "240.0.0.0/4", "reserved" },
};

static const struct block blocked_v6[] = {
	{ "::/128", "unspecified" },
	{ "::1/128", "loopback" },
	{ "100::/64", "discard-only" },
	{ "2001::/23", "IETF protocol assignments" },
	{ "2001:db8::/32", "documentation" },
	{ "fc00::/7", "unique local (private)" },
	{ "fe80::/10", "link-local" },
	{ "fec0::/10", "site-local" },
	{ "ff00::/8", "multicast" },
};

/* Parses "addr/prefix" or a bare address. */
static bool parse_cidr(const char *text, int *family, unsigned char addr[16], unsigned *prefix)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, text, n);
	buf[n] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	*prefix = max;
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (!isdigit((unsigned char)slash[1]) || *end || p < 0 || p > (long)max)
			return false;
		*prefix = (unsigned)p;
	}
	return true;
}

static bool in_block(const unsigned char *a, const unsigned char *net, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

static bool is_host_name(const char *s)
{
	if (!*s || strlen(s) > TS_NETGUARD_HOST_MAX)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	}
	return true;
}

/* Parses the list of setting `key` into `guard`; host names are entries
 * only where `hosts` allows them. */
static enum ts_err parse_list(struct ts_netguard *guard, const char *list, const char *key,
			      bool hosts, struct ts_error *err)
{
	const char *p = list;

	memset(guard, 0, sizeof(*guard));
	while (*p) {
		char item[TS_NETGUARD_HOST_MAX + 2];
		size_t n = strcspn(p, ", \t");
		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof(item))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "%s: entry too long", key);
		memcpy(item, p, n);
		item[n] = '\0';
		p += n;
		if (guard->count == TS_NETGUARD_RULES_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    "%s: more than %d entries", key, TS_NETGUARD_RULES_MAX);
		struct ts_netguard_rule *r = &guard->rules[guard->count];
		if (parse_cidr(item, &r->family, r->addr, &r->prefix)) {
			r->is_host = false;
		} else if (hosts && !strchr(item, '/') && !strchr(item, ':') && is_host_name(item)) {
			r->is_host = true;
			for (size_t i = 0; i <= n; i++)
				r->host[i] = (char)tolower((unsigned char)item[i]);
		} else {
			return ts_error_set(err, TS_ERR_INVALID, "invalid_value", key,
					    hosts ? "%s: '%s' is neither a CIDR block nor a host name"
						  : "%s: '%s' is not an address or CIDR block",
					    key, item);
		}
		guard->count++;
	}
	return TS_OK;
}

enum ts_err ts_netguard_parse(struct ts_netguard *guard, const char *list, struct ts_error *err)
{
	return parse_list(guard, list, "webhook_allow", true, err);
}

enum ts_err ts_netguard_parse_cidrs(struct ts_netguard *guard, const char *list,
				    const char *key, struct ts_error *err)
{
	return parse_list(guard, list, key, false, err);
}

static bool allowed_by_rules(const struct ts_netguard *guard, int family, const unsigned char *a)
{
	for (size_t i = 0; guard && i < guard->count; i++) {
		const struct ts_netguard_rule *r = &guard->rules[i];
		if (!r->is_host && r->family == family && in_block(a, r->addr, r->prefix))
			return true;
	}
	return false;
}

/* The reason of the first block of `table` that holds `a`, or NULL. */
static const char *blocked_by(const struct block *table, size_t n, const unsigned char *a)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char net[16];
		unsigned prefix;
		int family;
		if (parse_cidr(table[i].cidr, &family, net, &prefix) && in_block(a, net, prefix))
			return table[i].why;
	}
	return NULL;
}

static const char *refusal_v4(const struct ts_netguard *guard, const unsigned char a[4])
{
	if (allowed_by_rules(guard, AF_INET, a))
		return NULL;
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "broadcast";
	return blocked_by(blocked_v4, sizeof(blocked_v4) / sizeof(blocked_v4[0]), a);
}

static const char *refusal_v6(const struct ts_netguard *guard, const unsigned char a[16])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char compat[12] = { 0 };

	if (allowed_by_rules(guard, AF_INET6, a))
		return NULL;
	/* Forms that carry an IPv4 address are judged by it. */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0 ||
	    (memcmp(a, compat, 12) == 0 && (a[12] | a[13]) != 0))
		return refusal_v4(guard, a + 12);
	if (a[0] == 0x20 && a[1] == 0x02) /* 6to4: 2002:AABB:CCDD::/48 */
		return refusal_v4(guard, a + 2);
	return blocked_by(blocked_v6, sizeof(blocked_v6) / sizeof(blocked_v6[0]), a);
}

const char *ts_netguard_refusal(const struct ts_netguard *guard, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return refusal_v4(guard, (const unsigned char *)&in->sin_addr);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		return refusal_v6(guard, in6->sin6_addr.s6_addr);
	}
	return "not an internet address";
}

bool ts_netguard_host_allowed(const struct ts_netguard *guard, const char *host)
{
	for (size_t i = 0; guard && i < guard->count; i++) {
		if (guard->rules[i].is_host && strcasecmp(guard->rules[i].host, host) == 0)
			return true;
	}
	return false;
}

enum ts_err ts_netguard_check_host(const struct ts_netguard *guard, const char *host,
				   struct ts_error *err)
{
	return ts_netguard_check_host_for(guard, host, "payload.url", err);
}

enum ts_err ts_netguard_check_host_for(const struct ts_netguard *guard, const char *host,
				       const char *field, struct ts_error *err)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	const char *why = NULL;
	size_t len = strlen(host);

	if (ts_netguard_host_allowed(guard, host))
		return TS_OK;
	memset(&in4, 0, sizeof(in4));
	memset(&in6, 0, sizeof(in6));
	/* inet_aton takes every IPv4 spelling resolvers do ("127.1",
	 * "2130706433", "0x7f.0.0.1"); curl would connect to those too. */
	if (inet_aton(host, &in4.sin_addr)) {
		in4.sin_family = AF_INET;
		why = ts_netguard_refusal(guard, (struct sockaddr *)&in4);
	} else if (inet_pton(AF_INET6, host, &in6.sin6_addr) == 1) {
		in6.sin6_family = AF_INET6;
		why = ts_netguard_refusal(guard, (struct sockaddr *)&in6);
	} else if (strcasecmp(host, "localhost") == 0 ||
		   (len > 10 && strcasecmp(host + len - 10, ".localhost") == 0) ||
		   strcasecmp(host, "localhost.") == 0) {
		why = "loopback";
	}
	if (!why)
		return TS_OK;
	return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
			    "Invalid field %s: %s is a %s address, which webhooks may "
			    "not reach (see webhook_allow in tasksched.conf)", field, host, why);
}

bool ts_netguard_addr_listed(const struct ts_netguard *guard, const char *addr)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char a[16];

	if (!addr)
		return false;
	if (inet_pton(AF_INET, addr, a) == 1)
		return allowed_by_rules(guard, AF_INET, a);
	if (inet_pton(AF_INET6, addr, a) != 1)
		return false;
	/* A dual-stack socket shows IPv4 clients as ::ffff:a.b.c.d. */
	return allowed_by_rules(guard, AF_INET6, a) ||
	       (memcmp(a, mapped, 12) == 0 && allowed_by_rules(guard, AF_INET, a + 12));
}
