/* retry.c -- which attempts are retried, and after how long. */
#include "config.h"

#include <sys/random.h>
#include <time.h>

#include "retry.h"

enum ts_retry_class ts_retry_classify(int http_status, bool transport_error)
{
	if (transport_error)
		return TS_RETRY_TRANSIENT;
	if (http_status >= 200 && http_status <= 299)
		return TS_RETRY_SUCCESS;
	if (http_status == 408 || http_status == 429 || (http_status >= 500 && http_status <= 599))
		return TS_RETRY_TRANSIENT;
	return TS_RETRY_PERMANENT;
}

int64_t ts_retry_delay_ms(int attempt, unsigned base_ms, unsigned cap_ms,
			  int64_t retry_after_ms, uint64_t random)
{
	if (retry_after_ms >= 0)
		return retry_after_ms < TS_RETRY_AFTER_MAX_MS ? retry_after_ms : TS_RETRY_AFTER_MAX_MS;
	if (attempt < 1)
		attempt = 1;
	uint64_t ceiling = base_ms;
	/* Doubling stops at the cap, long before 64 bits could overflow. */
	for (int i = 1; i < attempt && ceiling < cap_ms; i++)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	return (int64_t)(random % (ceiling + 1));
}

uint64_t ts_retry_random(void)
{
	static uint64_t state;
	static bool seeded;

	if (!seeded) {
		if (getrandom(&state, sizeof(state), GRND_NONBLOCK) != (ssize_t)sizeof(state))
			state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&state;
		seeded = true;
	}
	uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}
