/* debrief-strtod-private.h: fast, exact decimal-to-double conversion
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training logs are mostly numbers: a 1,000,000-step metrics.json is a
 * million 17-digit decimals. g_ascii_strtod is exact but slow (it copies
 * and goes through the C library's general, multi-precision algorithm);
 * this converter gives the same double, bit for bit, several times faster:
 * Clinger's fast path when the digits and the power of ten are both exact
 * doubles, the Eisel-Lemire algorithm (a 64×128-bit product with a
 * truncated power of ten, accepted only when the error bound proves the
 * rounding) otherwise, and g_ascii_strtod itself on the rare inputs neither
 * can decide (exact half-way cases, subnormals, overflow, exponents beyond
 * ±342, more than 19 digits whose rounding the truncation leaves open).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Converts the decimal number at the start of [@p, @end):
 *
 *     [+|-] digits [. [digits]] [(e|E) [+|-] digits]    or    [+|-] . digits [...]
 *
 * with no leading space, no hexadecimal, no inf or nan (callers handle
 * those words). Returns the end of the number, exactly where g_ascii_strtod
 * would stop (an "e" without digits after it is not part of the number),
 * or NULL when there is no digit. *@value is then bit-identical to
 * g_ascii_strtod on the same characters: correctly rounded, ±0 for
 * underflow and ±inf for overflow. Needs no NUL terminator. */
const char *debrief_strtod (const char *p,
                            const char *end,
                            double     *value);

G_END_DECLS
