/* id.c -- task identifiers: time-ordered UUIDs in lowercase text (libuuid). */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <uuid/uuid.h>

#include "id.h"
#include "tstime.h"

void ts_id_new(char out[TS_ID_TEXT_MAX])
{
	uuid_t u;
	uint64_t ms = (uint64_t)(ts_time_now() / TS_USEC_PER_MSEC);

	/* The random part straight from the kernel: uuid_generate_random()
	 * also reseeds libuuid's fallback generator (srandom) on every call,
	 * which cost a twentieth of a whole POST /tasks. */
	if (getrandom(u + 6, sizeof(u) - 6, 0) != (ssize_t)(sizeof(u) - 6))
		uuid_generate_random(u);
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0f)); /* version 7 */
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f)); /* RFC 4122 variant */
	uuid_unparse_lower(u, out);
}

bool ts_id_is_valid(const char *text)
{
	/* The canonical 36-character form, as uuid_parse accepts it: hex
	 * digits of either case, hyphens at 8, 13, 18 and 23. Checked here
	 * since uuid_parse, which also decodes, cost a fortieth of a GET. */
	if (!text)
		return false;
	for (int i = 0; i < 36; i++) {
		bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
		if (hyphen ? text[i] != '-' : !isxdigit((unsigned char)text[i]))
			return false;
	}
	return text[36] == '\0';
}

bool ts_id_normalize(const char *text, char out[TS_ID_TEXT_MAX])
{
	out[0] = '\0';
	if (!ts_id_is_valid(text))
		return false;
	for (int i = 0; i < 36; i++)
		out[i] = (char)tolower((unsigned char)text[i]);
	out[36] = '\0';
	return true;
}
