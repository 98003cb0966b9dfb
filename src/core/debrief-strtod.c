/* debrief-strtod.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * References (read, not copied): W. D. Clinger, "How to Read Floating Point
 * Numbers Accurately" (PLDI 1990) for the fast path; D. Lemire, "Number
 * Parsing at a Gigabyte per Second" (Software: Practice and Experience,
 * 2021) and N. Tao, "The Eisel-Lemire ParseNumberF64 Algorithm" (2020) for
 * the 128-bit step. The table of powers of ten is computed at build time by
 * debrief-strtod-table.py with exact integers.
 */
#include "config.h"

#include <float.h>
#include <string.h>

#include "debrief-strtod-private.h"
#include "debrief-strtod-table.h"

/* A guint64 holds any 19-digit decimal (10^19 - 1 < 2^64). */
#define MAX_DIGITS 19

static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline gboolean
is_digit (char c)
{
  return (guchar) (c - '0') < 10;
}

/* One more digit of the number: TRUE when it went into the mantissa (leading
 * zeros do not count as significant), FALSE when 19 digits are already there
 * (a non-zero digit dropped then makes the value inexact). */
static inline gboolean
take_digit (int       d,
            guint64  *mantissa,
            int      *n_digits,
            gboolean *truncated)
{
  if (*n_digits < MAX_DIGITS)
    {
      *mantissa = *mantissa * 10 + (guint64) d;
      *n_digits += *n_digits > 0 || d != 0;
      return TRUE;
    }
  *truncated |= d != 0;
  return FALSE;
}

/* Eight ASCII digits at once (the SWAR trick of fast_float / simdjson), on
 * the 8 bytes of @p read as a little-endian word. */
static inline guint64
load_word (const char *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
  v = GUINT64_SWAP_LE_BE (v);
#endif
  return v;
}

/* Zero where the bytes of @v are digits, non-zero bytes elsewhere (at least
 * at the first one that is not: a carry out of a byte that is not a digit
 * only reaches the bytes after it). */
static inline guint64
non_digit_bytes (guint64 v)
{
  return ((v & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0)) |
          (((v + G_GUINT64_CONSTANT (0x0606060606060606)) & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0)) >> 4))
         ^ G_GUINT64_CONSTANT (0x3333333333333333);
}

/* The value of 8 digit bytes, the first one the most significant. */
static inline guint64
eight_digits_value (guint64 v)
{
  v -= G_GUINT64_CONSTANT (0x3030303030303030);
  v = (v * 10) + (v >> 8);
  return (((v & G_GUINT64_CONSTANT (0x000000FF000000FF)) * G_GUINT64_CONSTANT (0x000F424000000064)) +
          (((v >> 16) & G_GUINT64_CONSTANT (0x000000FF000000FF)) * G_GUINT64_CONSTANT (0x0000271000000001))) >> 32;
}

static inline int
count_trailing_zero_bytes (guint64 x)
{
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_ctzll (x) / 8;
#else
  int n = 0;
  while (!(x & 0xFF))
    {
      x >>= 8;
      n++;
    }
  return n;
#endif
}

/* The full 128-bit product of two 64-bit numbers. */
static inline void
mul_64x64 (guint64  a,
           guint64  b,
           guint64 *hi,
           guint64 *lo)
{
#ifdef __SIZEOF_INT128__
  unsigned __int128 r = (unsigned __int128) a * b;
  *hi = (guint64) (r >> 64);
  *lo = (guint64) r;
#else
  guint64 a_lo = (guint32) a, a_hi = a >> 32, b_lo = (guint32) b, b_hi = b >> 32;
  guint64 ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  guint64 mid = (ll >> 32) + (guint32) lh + (guint32) hl;
  *lo = (mid << 32) | (guint32) ll;
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

static inline int
count_leading_zeros (guint64 x)
{
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_clzll (x);
#else
  int n = 0;
  while (!(x & (G_GUINT64_CONSTANT (1) << 63)))
    {
      x <<= 1;
      n++;
    }
  return n;
#endif
}

/* Eisel-Lemire: the double nearest to @w × 10^@q (@w != 0, @q within the
 * table) as IEEE bits, or FALSE when 128 bits of 10^q cannot settle the
 * rounding (the caller then takes the exact, slow path). The error analysis:
 * the table's M is 10^q rounded down, so the exact product w·10^q lies in
 * [w·M, w·M + w) at the scale of w·M; the result is accepted only when every
 * value in that interval rounds to the same 53 bits. */
static gboolean
eisel_lemire (guint64  w,
              int      q,
              guint64 *out_bits)
{
  const guint64 *pow = debrief_pow10_128[q - DEBRIEF_POW10_MIN_EXP];
  int lz = count_leading_zeros (w);
  guint64 hi, lo, m54, m53;
  int upper, biased_exp;

  w <<= lz;
  mul_64x64 (w, pow[0], &hi, &lo);
  /* The low 9 (or 10) bits below the rounding bit are all ones and the
   * error may carry into them: use the other 64 bits of 10^q. */
  if ((hi & 0x1FF) == 0x1FF && lo + w < w)
    {
      guint64 hi2, lo2, merged_lo, merged_hi;

      mul_64x64 (w, pow[1], &hi2, &lo2);
      merged_lo = lo + hi2;
      merged_hi = hi + (merged_lo < lo);
      if ((merged_hi & 0x1FF) == 0x1FF && merged_lo + 1 == 0 && lo2 + w < w)
        return FALSE;
      hi = merged_hi;
      lo = merged_lo;
    }
  upper = (int) (hi >> 63);
  m54 = hi >> (upper + 9);
  /* 10^q = M·2^E2 with E2 = floor(q·log2 10) - 127; (q·217706) >> 16 is that
   * floor over the table's range (the generator checks it). 1213 is the
   * double's exponent bias (1023) plus the 190 bits the scaling moved. */
  biased_exp = ((q * 217706) >> 16) - 127 + 1213 + upper - lz;
  /* Exactly half-way between two doubles (or too close to tell): the tie
   * rule needs the exact value. */
  if (lo == 0 && (hi & 0x1FF) == 0 && (m54 & 3) == 1)
    return FALSE;
  m53 = (m54 + (m54 & 1)) >> 1;
  if (m53 >> 53)
    {
      m53 >>= 1;
      biased_exp++;
    }
  /* Subnormal or infinite: left to the exact path. */
  if (biased_exp <= 0 || biased_exp >= 0x7FF)
    return FALSE;
  *out_bits = (m53 & ((G_GUINT64_CONSTANT (1) << 52) - 1)) | ((guint64) biased_exp << 52);
  return TRUE;
}

static G_GNUC_NO_INLINE double
exact_slow_path (const char *start,
                 const char *stop)
{
  char buf[128];
  g_autofree char *heap = NULL;
  char *text = buf;
  gsize n = stop - start;

  if (n >= sizeof buf)
    text = heap = g_malloc (n + 1);
  memcpy (text, start, n);
  text[n] = '\0';
  return g_ascii_strtod (text, NULL);
}

/* The first 19 significant digits of the digits in [@p, @stop) (a '.' among
 * them is skipped): the mantissa, the power of ten of its last digit relative
 * to the decimal point, and whether a dropped digit was not 0. Only numbers
 * with more than 19 significant digits come here. */
static G_GNUC_NO_INLINE void
first_19_digits (const char *p,
                 const char *stop,
                 guint64    *out_mantissa,
                 gint64     *out_exponent,
                 gboolean   *out_truncated)
{
  guint64 mantissa = 0;
  gint64 exponent = 0;
  int n_digits = 0;
  gboolean truncated = FALSE, fraction = FALSE;

  for (; p < stop; p++)
    {
      if (*p == '.')
        {
          fraction = TRUE;
          continue;
        }
      if (take_digit (*p - '0', &mantissa, &n_digits, &truncated))
        exponent -= fraction;
      else
        exponent += !fraction;
    }
  *out_mantissa = mantissa;
  *out_exponent = exponent;
  *out_truncated = truncated;
}

static const guint64 powers_of_ten_u64[] = {
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};

const char *
debrief_strtod (const char *p,
                const char *end,
                double     *value)
{
  const char *start = p;
  const char *digits, *mantissa_end;
  gboolean negative = FALSE;
  gboolean truncated = FALSE;  /* a non-zero digit did not fit in the mantissa */
  guint64 mantissa = 0;        /* the digits, exact while there are at most 19 */
  gsize n_digits;
  gint64 n_fraction = 0;       /* digits after the point */
  gint64 exponent = 0;         /* the number is mantissa × 10^exponent (plus truncated digits) */
  guint64 bits;
  double v;

  if (p < end && (*p == '-' || *p == '+'))
    {
      negative = *p == '-';
      p++;
    }

  /* All the digits, without counting them one by one: a mantissa of more
   * than 19 significant digits (rare) is read again, carefully, below. */
  digits = p;
  for (; p < end && is_digit (*p); p++)
    mantissa = mantissa * 10 + (guint64) (*p - '0');
  n_digits = p - digits;
  if (p < end && *p == '.')
    {
      const char *fraction = ++p;
      /* Eight digits at a time; the last 1 to 7 at once too: shifted to the
       * top of the word, with '0's below them, they read as an 8-digit number. */
      gboolean done = FALSE;

      while (!done && end - p >= 8)
        {
          guint64 w = load_word (p);
          guint64 others = non_digit_bytes (w);
          int k;

          if (others == 0)
            {
              mantissa = mantissa * 100000000 + eight_digits_value (w);
              p += 8;
              continue;
            }
          k = count_trailing_zero_bytes (others);
          if (k > 0)
            {
              w = (w << (8 * (8 - k))) | (G_GUINT64_CONSTANT (0x3030303030303030) >> (8 * k));
              mantissa = mantissa * powers_of_ten_u64[k] + eight_digits_value (w);
              p += k;
            }
          done = TRUE;
        }
      /* Near the end of the buffer, one at a time. */
      for (; !done && p < end && is_digit (*p); p++)
        mantissa = mantissa * 10 + (guint64) (*p - '0');
      n_fraction = p - fraction;
      n_digits += n_fraction;
    }
  else if (n_digits - 1 < 15 && (p == end || (*p != 'e' && *p != 'E')))
    {
      /* A whole number of up to 15 digits (a step, a count) is exact as it is. */
      v = (double) mantissa;
      *value = negative ? -v : v;
      return p;
    }
  if (n_digits == 0)
    return NULL;  /* "", "-", "." or "-." */
  mantissa_end = p;

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      const char *q = p + 1;
      gboolean exp_negative = FALSE;
      gint64 e = 0;

      if (q < end && (*q == '-' || *q == '+'))
        {
          exp_negative = *q == '-';
          q++;
        }
      if (q < end && is_digit (*q))
        {
          for (; q < end && is_digit (*q); q++)
            if (e < 1000000000)
              e = e * 10 + (*q - '0');
          exponent += exp_negative ? -e : e;
          p = q;
        }
      /* else: as for strtod, "1e" and "1e+" end before the "e". */
    }

  if (G_UNLIKELY (n_digits > MAX_DIGITS))
    {
      /* Leading zeros are not significant; past them, 19 digits at most. */
      const char *first = digits;
      gsize zeros = 0;
      gint64 digit_exponent;

      for (; first < mantissa_end && (*first == '0' || *first == '.'); first++)
        zeros += *first == '0';
      if (n_digits - zeros > MAX_DIGITS)
        {
          first_19_digits (digits, mantissa_end, &mantissa, &digit_exponent, &truncated);
          n_fraction = -digit_exponent;
        }
    }
  exponent -= n_fraction;

  if (mantissa == 0)
    {
      /* Every digit was zero: exactly ±0 whatever the exponent. */
      *value = negative ? -0.0 : 0.0;
      return p;
    }

#if FLT_EVAL_METHOD == 0
  /* Clinger: both the integer and the power of ten are exact doubles, so the
   * one multiplication or division rounds once, correctly. */
  if (!truncated && mantissa <= (G_GUINT64_CONSTANT (1) << 53) && exponent >= -22 && exponent <= 22)
    {
      v = (double) mantissa;
      v = exponent >= 0 ? v * exact_powers_of_ten[exponent] : v / exact_powers_of_ten[-exponent];
      *value = negative ? -v : v;
      return p;
    }
#endif

  if (exponent >= DEBRIEF_POW10_MIN_EXP && exponent <= DEBRIEF_POW10_MAX_EXP &&
      eisel_lemire (mantissa, (int) exponent, &bits))
    {
      guint64 bits_up;

      /* Digits were dropped: the value lies in [mantissa, mantissa + 1) × 10^exponent;
       * when both ends round to the same double, so does everything between. */
      if (!truncated ||
          (eisel_lemire (mantissa + 1, (int) exponent, &bits_up) && bits_up == bits))
        {
          memcpy (&v, &bits, sizeof v);
          *value = negative ? -v : v;
          return p;
        }
    }

  *value = exact_slow_path (start, p);
  return p;
}
