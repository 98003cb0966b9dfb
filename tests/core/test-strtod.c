/* test-strtod.c: debrief_strtod against g_ascii_strtod, bit for bit
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Millions of strings: fixed edge cases (signed zeros, the largest and
 * smallest doubles, subnormals, exact half-way cases, 19+ digits, huge
 * exponents, leading zeros, 800-digit mantissas), every double printed at
 * every precision, random digit strings, and the exact midpoints between
 * neighbouring doubles with the digit just above and below them. Each must
 * give the same bits and stop at the same character as g_ascii_strtod.
 * DEBRIEF_STRTOD_ROUNDS=N multiplies the random part (default 1).
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "debrief-json-private.h"
#include "debrief-strtod-private.h"

static guint64 n_checked;

static guint64
bits_of (double v)
{
  guint64 b;
  memcpy (&b, &v, sizeof b);
  return b;
}

/* @text (length @n, not necessarily NUL-terminated in the middle of a larger buffer). */
static void
check_len (const char *text,
           gsize       n)
{
  g_autofree char *copy = g_strndup (text, n);
  char *endptr = NULL;
  double expected = g_ascii_strtod (copy, &endptr);
  double got = 12345.0;
  const char *stop = debrief_strtod (copy, copy + n, &got);

  n_checked++;
  if (endptr == copy)
    {
      if (stop != NULL)
        g_error ("“%s”: g_ascii_strtod finds no number, debrief_strtod stops after %d characters",
                 copy, (int) (stop - copy));
      return;
    }
  if (stop == NULL)
    g_error ("“%s”: debrief_strtod finds no number, g_ascii_strtod reads %d characters (%.17g)",
             copy, (int) (endptr - copy), expected);
  if (stop != endptr)
    g_error ("“%s”: debrief_strtod stops after %d characters, g_ascii_strtod after %d", copy,
             (int) (stop - copy), (int) (endptr - copy));
  if (bits_of (got) != bits_of (expected))
    g_error ("“%s”: debrief_strtod gives %.17g (0x%016" G_GINT64_MODIFIER "x), g_ascii_strtod %.17g "
             "(0x%016" G_GINT64_MODIFIER "x)", copy, got, bits_of (got), expected, bits_of (expected));
}

static void
check (const char *text)
{
  check_len (text, strlen (text));
}

static guint
rounds (void)
{
  const char *env = g_getenv ("DEBRIEF_STRTOD_ROUNDS");
  guint n = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 1;
  return MAX (n, 1);
}

static void
test_edge_cases (void)
{
  static const char *const cases[] = {
    "0", "-0", "+0", "0.0", "-0.0", "00000", "-000.000e-999", "0e999999999999", "0.e1", ".0",
    "1", "-1", "+1", "1.", "-1.", ".5", "-.5", "+.5", "1.5", "12.5", "12.3", "0.1", "0.2", "0.3",
    "1e0", "1e1", "1E1", "1e+1", "1e-1", "1e22", "1e23", "1e-22", "1e-23", "8.589973e9",
    "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
    "9007199254740993.0000000000000001", "9007199254740992.9999999999999999",
    "18446744073709551615", "18446744073709551616", "99999999999999999999",
    "9999999999999999999", "10000000000000000000", "1234567890123456789012345678901234567890",
    "123456789012345678", "1234567890123456789", "12345678901234567890",
    "0.1234567890123456789", "0.12345678901234567890123", "3.141592653589793238462643383279",
    /* the largest double, half-way above it, and just beyond */
    "1.7976931348623157e308", "1.7976931348623158e308", "1.79769313486231570e+308",
    "1.7976931348623158079372897140530341507993413271003782693617377898044496829276475094664736e308",
    "1.7976931348623159e308", "1.8e308", "1e308", "1e309", "-1e309", "1e400", "1e999999999",
    /* the smallest normal and its neighbours */
    "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072012e-308",
    "2.2250738585072013e-308", "2.2250738585072009e-308",
    /* subnormals and underflow */
    "4.9406564584124654e-324", "4.9406564584124654e-325", "2.4703282292062327e-324",
    "2.4703282292062328e-324", "2.47032822920623272e-324", "5e-324", "3e-324", "2e-324",
    "1e-320", "1.5e-323", "1e-324", "1e-325", "1e-400", "-1e-400", "1e-999999999",
    "6.9533558078350043e-310", "1.2345678901234567e-315",
    /* exponents at the table's limits */
    "1e-342", "1e-343", "1e-341", "9e-343", "18446744073709551615e-342", "1e308", "0.00001e313",
    "1000000000000000000000000000000e-330", "1e-300", "1e300",
    /* half-way cases from the literature (Paxson, Exploring Binary) */
    "2.4703282292062327208828439643411068618252990130716238221279284125033775364510e-324",
    "7.3177701707893310e+15", "5.0216813883093446e+16", "1.5e-1", "4.35679e-10",
    "8.9255e-11", "9.5e-2", "2.5e-3", "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126",
    "0.500000000000000166533453693773481063544750213623046875",
    "3.518437208883201171875e13", "62.5364939768271845828", "8.10109172351e-10",
    "1.7976931348623157081452742373170435679807056752584499659891747680315726078002853876058955863276687817154045895351438246423432132688946418276846754670353751698604991057655128207624549009038932894407586850845513394230458323690322294816580855933212334827479782620414472316873817718091929988125040402618412485836e308", /* DBL_MAX written out (a few digits short) */
    /* leading zeros do not count as digits */
    "0000000000000000000000000000000000000000001", "0.0000000000000000000000000000000000000001",
    "000000000000000000000000.0000000000000000000000000123456789012345678901234567890e20",
    "-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000001e-250",
    /* trailing zeros after 19 digits keep the value exact */
    "1.0000000000000000000000000000000000000000", "1234567890123456789000000000000000000",
    "9007199254740993.000000000000000000000000000000000000000000000000000000001",
    /* endings: what is part of the number and what is not */
    "1e", "1e+", "1e-", "1E", "1.5e+x", "2.e5", "2.e", "-", "+", ".", "-.", "+.", "e5", "-e5",
    ".e5", "1..2", "1.2.3", "1e5e5", "1e+-5", "--1", "1 ", "1,2", "1]", "١",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check (cases[i]);
}

static void
test_long_mantissas (void)
{
  /* 800 significant digits close to half-way between two doubles, where only
   * the last digit decides (the exact path's job), and long zero runs. */
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint digit = 0; digit < 10; digit++)
    {
      g_string_assign (s, "2.2250738585072012");
      for (int i = 0; i < 800; i++)
        g_string_append_c (s, '0');
      g_string_append_c (s, '0' + digit);
      g_string_append (s, "e-308");
      check (s->str);

      g_string_assign (s, "9007199254740993");
      for (int i = 0; i < 300; i++)
        g_string_append_c (s, '0');
      g_string_append_c (s, '0' + digit);
      check (s->str);

      g_string_assign (s, "0.");
      for (int i = 0; i < 350; i++)
        g_string_append_c (s, '0');
      g_string_append_c (s, '1' + digit % 9);
      check (s->str);
    }
}

/* Every format a logger might use, for one double. */
static void
check_printed (double v)
{
  char buf[64];

  if (!isfinite (v))
    return;  /* "inf" and "nan" are the callers' words, not numbers here */
  for (int precision = 1; precision <= 25; precision++)
    {
      g_snprintf (buf, sizeof buf, "%.*g", precision, v);
      check (buf);
    }
  g_snprintf (buf, sizeof buf, "%.17e", v);
  check (buf);
  g_snprintf (buf, sizeof buf, "%.3e", v);
  check (buf);
  if (fabs (v) < 1e20)
    {
      g_snprintf (buf, sizeof buf, "%.10f", v);
      check (buf);
    }
  /* The shortest round-trip form (what Python's repr writes): GLib's own. */
  g_ascii_dtostr (buf, sizeof buf, v);
  check (buf);
}

static double
random_double (void)
{
  for (;;)
    {
      guint64 b = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
      double v;

      memcpy (&v, &b, sizeof v);
      if (isfinite (v))
        return v;
    }
}

static void
test_printed_doubles (void)
{
  guint n = 40000 * rounds ();

  for (guint i = 0; i < n; i++)
    {
      double v = random_double ();

      check_printed (v);
      /* Values of the size training logs hold: losses, rates, norms. */
      check_printed (g_test_rand_double_range (0.0, 10.0));
      check_printed (exp (g_test_rand_double_range (-30.0, 30.0)));
      check_printed ((float) g_test_rand_double_range (0.0, 5.0));
    }
  /* Powers of ten and two, and their neighbours. */
  for (int e = -330; e <= 310; e++)
    {
      double p = pow (10.0, e);
      check_printed (p);
      check_printed (nextafter (p, 0.0));
      check_printed (nextafter (p, INFINITY));
    }
  for (int e = -1074; e <= 1023; e++)
    check_printed (ldexp (1.0, e));
  check_printed (DBL_MAX);
  check_printed (DBL_MIN);
  check_printed (DBL_TRUE_MIN);
  check_printed (nextafter (DBL_MIN, 0.0));
}

static void
test_random_digit_strings (void)
{
  guint n = 1000000 * rounds ();
  char buf[96];

  for (guint i = 0; i < n; i++)
    {
      int len = 0;
      int n_digits = g_test_rand_int_range (1, 40);
      int dot = g_test_rand_int_range (-1, n_digits + 1);
      int zeros = g_test_rand_int_range (0, 4) == 0 ? g_test_rand_int_range (0, 20) : 0;

      switch (g_test_rand_int_range (0, 4))
        {
        case 0: buf[len++] = '-'; break;
        case 1: if (g_test_rand_int_range (0, 8) == 0) buf[len++] = '+'; break;
        default: break;
        }
      for (int z = 0; z < zeros; z++)
        buf[len++] = '0';
      for (int d = 0; d < n_digits; d++)
        {
          if (d == dot)
            buf[len++] = '.';
          /* Runs of 0s and 9s make carries and near-half-way values. */
          switch (g_test_rand_int_range (0, 6))
            {
            case 0: buf[len++] = '0'; break;
            case 1: buf[len++] = '9'; break;
            default: buf[len++] = '0' + g_test_rand_int_range (0, 10); break;
            }
        }
      if (g_test_rand_int_range (0, 3) > 0)
        {
          int e = g_test_rand_int_range (0, 4) == 0 ? g_test_rand_int_range (-400, 400)
                                                    : g_test_rand_int_range (-30, 30);
          len += g_snprintf (buf + len, sizeof buf - len, "%s%s%d",
                             g_test_rand_bit () ? "e" : "E",
                             e >= 0 && g_test_rand_bit () ? "+" : "", e);
        }
      buf[len] = '\0';
      check (buf);
    }
}

#if LDBL_MANT_DIG >= 64
/* The exact midpoint between @v and the next double up, all of its digits
 * (a 54-bit binary fraction is exact in an x87 long double and printf
 * expands it exactly), then the same just above and just below it. */
static void
check_halfway (double v)
{
  double up = nextafter (v, INFINITY);
  long double mid = ((long double) v + (long double) up) / 2;
  char buf[1200];
  int n;

  if (!isfinite (up) || up == v)
    return;
  n = snprintf (buf, sizeof buf - 8, "%.780Le", mid);
  if (n <= 0 || n >= (int) sizeof buf - 8)
    return;
  check (buf);
  {
    /* Mantissa digits end before the "e": bump the last non-zero one down,
     * and append a 1 after the last digit for just above. */
    char *e = strchr (buf, 'e');
    g_autofree char *exp_part = g_strdup (e);
    g_autofree char *above = NULL;
    char *last = e - 1;

    *e = '\0';
    above = g_strconcat (buf, "1", exp_part, NULL);
    check (above);
    while (last > buf && (*last == '0' || *last == '.'))
      last--;
    if (*last > '0' && *last <= '9')
      {
        g_autofree char *below = NULL;
        (*last)--;
        for (char *c = last + 1; *c; c++)
          if (*c == '0')
            *c = '9';
        below = g_strconcat (buf, "9", exp_part, NULL);
        check (below);
      }
  }
}
#endif

static void
test_halfway (void)
{
#if LDBL_MANT_DIG >= 64
  guint n = 100000 * rounds ();

  for (guint i = 0; i < n; i++)
    {
      double v = random_double ();
      /* Keep the printed midpoint within 780 significant digits. */
      if (fabs (v) < 1e-200 || fabs (v) > 1e200)
        v = exp (g_test_rand_double_range (-300.0, 300.0));
      check_halfway (fabs (v));
    }
  for (int e = -60; e <= 70; e++)
    {
      check_halfway (ldexp (1.0, e));
      check_halfway (ldexp (1.0, e) * 1.5);
      check_halfway (nextafter (ldexp (1.0, e), 0.0));
    }
  check_halfway (9007199254740992.0);
  check_halfway (DBL_MIN);
  check_halfway (nextafter (DBL_MAX, 0.0));
#else
  g_test_skip ("needs a long double with a 64-bit mantissa to build exact midpoints");
#endif
}

static void
test_buffer_bounds (void)
{
  /* The end pointer bounds the number: digits beyond it are not read. */
  const char *text = "12345.678e90";
  double v;

  for (gsize n = 0; n <= strlen (text); n++)
    check_len (text, n);
  g_assert_true (debrief_strtod (text, text + 3, &v) == text + 3);
  g_assert_cmpfloat (v, ==, 123.0);
  g_assert_null (debrief_strtod (text, text, &v));
}

static void
test_json_numbers (void)
{
  double v;

  g_assert_true (debrief_json_string_to_number ("1.8812345676879883", 18, &v));
  g_assert_cmpuint (bits_of (v), ==, bits_of (g_ascii_strtod ("1.8812345676879883", NULL)));
  g_assert_true (debrief_json_string_to_number (" -0 ", 4, &v));
  g_assert_true (signbit (v) && v == 0.0);
  g_assert_true (debrief_json_string_to_number ("NaN", 3, &v) && isnan (v));
  g_assert_true (debrief_json_string_to_number ("-Infinity", 9, &v) && isinf (v) && v < 0);
  g_assert_true (debrief_json_string_to_number ("inf", 3, &v) && isinf (v) && v > 0);
  /* A dangling exponent is not a number (nor "1" followed by junk). */
  g_assert_false (debrief_json_string_to_number ("1e", 2, &v));
  g_assert_false (debrief_json_string_to_number ("1e+", 3, &v));
  g_assert_false (debrief_json_string_to_number ("0x10", 4, &v));
  g_assert_false (debrief_json_string_to_number ("-", 1, &v));
  g_assert_false (debrief_json_string_to_number ("nonsense", 8, &v));
}

static void
test_summary (void)
{
  g_test_message ("%" G_GUINT64_FORMAT " strings compared with g_ascii_strtod", n_checked);
  g_assert_cmpuint (n_checked, >, 1000000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/strtod/edge-cases", test_edge_cases);
  g_test_add_func ("/strtod/long-mantissas", test_long_mantissas);
  g_test_add_func ("/strtod/buffer-bounds", test_buffer_bounds);
  g_test_add_func ("/strtod/printed-doubles", test_printed_doubles);
  g_test_add_func ("/strtod/random-digit-strings", test_random_digit_strings);
  g_test_add_func ("/strtod/halfway", test_halfway);
  g_test_add_func ("/strtod/json-numbers", test_json_numbers);
  g_test_add_func ("/strtod/summary", test_summary);
  return g_test_run ();
}
