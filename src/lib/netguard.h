/* netguard.h -- which network addresses webhooks may reach (the SSRF
 * guard): by default only public unicast addresses, plus an allow-list. */
#ifndef TS_NETGUARD_H
#define TS_NETGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "errors.h"

#define TS_NETGUARD_RULES_MAX 64
#define TS_NETGUARD_HOST_MAX 254

/* An allow-list entry: a CIDR block, or a host name (matched exactly,
 * case-insensitively, against the URL's host). */
struct ts_netguard_rule {
	bool is_host;
	int family;                       /* AF_INET or AF_INET6, for CIDRs */
	unsigned char addr[16];
	unsigned prefix;
	char host[TS_NETGUARD_HOST_MAX + 1];
};

struct ts_netguard {
	struct ts_netguard_rule rules[TS_NETGUARD_RULES_MAX];
	size_t count;
};

/* Parses a list of CIDR blocks ("127.0.0.0/8", "fd00::/8", a bare address
 * for one host) and host names, separated by commas or spaces, into
 * `guard` (caller-owned). TS_ERR_INVALID names the bad entry. */
enum ts_err ts_netguard_parse(struct ts_netguard *guard, const char *list, struct ts_error *err);

/* The same for a setting that lists CIDR blocks only (host names are an
 * error), such as metrics_allow; errors name `key`. */
enum ts_err ts_netguard_parse_cidrs(struct ts_netguard *guard, const char *list,
				    const char *key, struct ts_error *err);

/* True when the address text `addr` (a client's REMOTE_ADDR: IPv4, IPv6,
 * or IPv4-mapped IPv6) lies in one of the CIDR blocks of `guard`. An
 * unparsable or NULL address is never listed. */
bool ts_netguard_addr_listed(const struct ts_netguard *guard, const char *addr);

/* Why an address is refused ("private", "loopback", ...), or NULL when
 * webhooks may connect to it: a public unicast address, or one inside an
 * allowed block. `sa` is a sockaddr_in or sockaddr_in6; IPv4-mapped and
 * similar IPv6 forms are judged by the IPv4 address they carry. */
const char *ts_netguard_refusal(const struct ts_netguard *guard, const struct sockaddr *sa);

/* True when `host` (a URL's host, without brackets) is on the allow-list
 * by name: then any address it resolves to may be used. */
bool ts_netguard_host_allowed(const struct ts_netguard *guard, const char *host);

/* The check made when a task is created: a host that is an address
 * literal (in any form the resolver accepts, e.g. "2130706433" or
 * "0x7f.1") or a "localhost" name is refused unless allowed, so a clearly
 * internal target is a 400 at once rather than a failure later. Names that
 * resolve to internal addresses are caught when connecting. */
enum ts_err ts_netguard_check_host(const struct ts_netguard *guard, const char *host,
				   struct ts_error *err);

/* The same for the URL of the field `field` ("on_failure.url"), which the
 * error names. */
enum ts_err ts_netguard_check_host_for(const struct ts_netguard *guard, const char *host,
				       const char *field, struct ts_error *err);

#endif
