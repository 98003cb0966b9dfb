/* debrief-protobuf.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-protobuf-private.h"

static guint32 crc32c_table[256];
static guint32 crc32_ieee_table[256];

static gpointer
init_crc_tables (gpointer data)
{
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i, d = i;
      for (int k = 0; k < 8; k++)
        {
          c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
          d = (d & 1) ? (d >> 1) ^ 0xedb88320u : d >> 1;
        }
      crc32c_table[i] = c;
      crc32_ieee_table[i] = d;
    }
  return NULL;
}

static void
ensure_tables (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_crc_tables, NULL);
}

guint32
debrief_crc32c (const guint8 *data,
                gsize         length)
{
  guint32 crc = 0xffffffffu;

  ensure_tables ();
  for (gsize i = 0; i < length; i++)
    crc = crc32c_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
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
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    crc = crc32_ieee_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}
