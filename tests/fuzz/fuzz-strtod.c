/* fuzz-strtod.c: debrief_strtod against g_ascii_strtod on arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The oracle is the C library itself: wherever debrief_strtod finds a
 * number, g_ascii_strtod on the same bytes (NUL-terminated) must stop at the
 * same character with the same bits; where it finds none, the bytes must not
 * start with a decimal number. Hexadecimal ("0x..."), which strtod also reads,
 * is not part of debrief_strtod's syntax and is skipped.
 */
#include "config.h"

#include <string.h>

#include "debrief-core.h"
#include "debrief-json-private.h"
#include "debrief-strtod-private.h"
#include "fuzz-target.h"

static gboolean
starts_with_decimal (const char *p,
                     const char *end)
{
  if (p < end && (*p == '+' || *p == '-'))
    p++;
  if (p < end && g_ascii_isdigit (*p))
    return TRUE;
  return end - p >= 2 && p[0] == '.' && g_ascii_isdigit (p[1]);
}

static gboolean
is_hex (const char *p,
        const char *end)
{
  if (p < end && (*p == '+' || *p == '-'))
    p++;
  return end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_malloc (size + 1);
  const char *end = text + size;
  const char *stop;
  char *endptr = NULL;
  double got = 0, expected;
  guint64 got_bits, expected_bits;

  memcpy (text, data, size);
  text[size] = '\0';
  stop = debrief_strtod (text, end, &got);
  g_assert ((stop != NULL) == starts_with_decimal (text, end));
  if (stop == NULL || is_hex (text, end))
    return 0;
  g_assert (stop > text && stop <= end);

  expected = g_ascii_strtod (text, &endptr);
  g_assert (endptr == stop);
  memcpy (&got_bits, &got, sizeof got_bits);
  memcpy (&expected_bits, &expected, sizeof expected_bits);
  g_assert_cmphex (got_bits, ==, expected_bits);

  /* The tokenizer's number path on the same bytes agrees (or refuses). */
  {
    const char *p = text;
    double v;
    if (debrief_json_parse_number (&p, end, &v) && g_ascii_isdigit (text[0]))
      {
        guint64 v_bits;
        memcpy (&v_bits, &v, sizeof v_bits);
        g_assert (p == stop);
        g_assert_cmphex (v_bits, ==, expected_bits);
      }
  }
  return 0;
}
