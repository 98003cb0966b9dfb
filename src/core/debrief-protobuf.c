/* debrief-protobuf.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-protobuf-private.h"

#include <string.h>

/* Slicing-by-8 (eight tables per polynomial, eight bytes a step): the CRCs
 * are over every byte of a W&B log or an event file, and byte at a time they
 * were more than half of reading one. */
static guint32 crc32c_tables[8][256];
static guint32 crc32_ieee_tables[8][256];

static void
fill_tables (guint32 tables[8][256],
             guint32 polynomial)
{
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? (c >> 1) ^ polynomial : c >> 1;
      tables[0][i] = c;
    }
  for (guint32 i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xff];
}

static gpointer
init_crc_tables (gpointer data)
{
  fill_tables (crc32c_tables, 0x82f63b78u);
  fill_tables (crc32_ieee_tables, 0xedb88320u);
  return NULL;
}

static void
ensure_tables (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_crc_tables, NULL);
}

/* The reflected CRC register @crc over @data (no pre- or post-inversion). */
static guint32
crc_update (guint32        tables[8][256],
            guint32        crc,
            const guint8  *data,
            gsize          length)
{
  while (length >= 8)
    {
      guint32 a, b;

      memcpy (&a, data, 4);
      memcpy (&b, data + 4, 4);
      a = GUINT32_FROM_LE (a) ^ crc;
      b = GUINT32_FROM_LE (b);
      crc = tables[7][a & 0xff] ^ tables[6][(a >> 8) & 0xff] ^ tables[5][(a >> 16) & 0xff] ^ tables[4][a >> 24] ^
            tables[3][b & 0xff] ^ tables[2][(b >> 8) & 0xff] ^ tables[1][(b >> 16) & 0xff] ^ tables[0][b >> 24];
      data += 8;
      length -= 8;
    }
  while (length-- > 0)
    crc = tables[0][(crc ^ *data++) & 0xff] ^ (crc >> 8);
  return crc;
}

guint32
debrief_crc32c (const guint8 *data,
                gsize         length)
{
  ensure_tables ();
  return crc_update (crc32c_tables, 0xffffffffu, data, length) ^ 0xffffffffu;
}

guint32
debrief_tfrecord_mask_crc (guint32 crc)
{
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

guint32
debrief_crc32_ieee (guint32       crc,
                    const guint8 *data,
                    gsize         length)
{
  ensure_tables ();
  return ~crc_update (crc32_ieee_tables, ~crc, data, length);
}
