/* utf8.h -- checking that bytes are well-formed UTF-8 (RFC 3629). */
#ifndef TS_UTF8_H
#define TS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the `len` bytes at `s` are well-formed UTF-8 without NUL:
 * no overlong forms, no UTF-16 surrogates, nothing past U+10FFFF. */
bool ts_utf8_valid(const char *s, size_t len);

#endif
