/* debrief-protobuf-private.h: the binary helpers the record-log readers share (private to libdebrief)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TensorBoard event files and W&B transaction logs both frame protocol
 * buffers with checksums. Only what those readers need is here: a bounded
 * reader of the protobuf wire format (no generated code, no schema), CRC-32C
 * and TensorFlow's masking of it, and the plain CRC-32 (IEEE) that W&B uses.
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* CRC-32C (Castagnoli), and TensorFlow's / LevelDB's masking of it. */
guint32  debrief_crc32c            (const guint8 *data,
                                    gsize         length);
guint32  debrief_tfrecord_mask_crc (guint32       crc);
/* CRC-32 with the IEEE polynomial (zlib's crc32), continuing from @crc (0 to start). */
guint32  debrief_crc32_ieee        (guint32       crc,
                                    const guint8 *data,
                                    gsize         length);

static inline guint32
debrief_read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint64
debrief_read_le64 (const guint8 *p)
{
  return (guint64) debrief_read_le32 (p) | ((guint64) debrief_read_le32 (p + 4) << 32);
}

/* ---- protocol buffers, just enough ---- */

enum
{
  DEBRIEF_PB_VARINT = 0,
  DEBRIEF_PB_FIXED64 = 1,
  DEBRIEF_PB_BYTES = 2,
  DEBRIEF_PB_FIXED32 = 5,
};

/* A view of one message; @bad is set (and stays set) on any malformed input,
 * after which every read returns nothing. */
typedef struct
{
  const guint8 *p;
  const guint8 *end;
  gboolean bad;
} DebriefPb;

static inline DebriefPb
debrief_pb_init (const void *data,
                 gsize       length)
{
  DebriefPb pb = { data, (const guint8 *) data + length, FALSE };
  return pb;
}

static inline guint64
debrief_pb_varint (DebriefPb *pb)
{
  guint64 v = 0;

  for (int shift = 0; shift < 64; shift += 7)
    {
      guint8 b;
      if (pb->p >= pb->end)
        {
          pb->bad = TRUE;
          return 0;
        }
      b = *pb->p++;
      v |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
  pb->bad = TRUE;
  return 0;
}

/* Reads a field header; FALSE at the end or when malformed. */
static inline gboolean
debrief_pb_field (DebriefPb *pb,
                  guint     *field,
                  guint     *wire)
{
  guint64 key;

  if (pb->bad || pb->p >= pb->end)
    return FALSE;
  key = debrief_pb_varint (pb);
  if (pb->bad)
    return FALSE;
  *field = (guint) (key >> 3);
  *wire = (guint) (key & 7);
  return TRUE;
}

/* A length-delimited payload as a sub-reader (bad when it overruns). */
static inline DebriefPb
debrief_pb_bytes (DebriefPb *pb)
{
  DebriefPb sub = { NULL, NULL, TRUE };
  guint64 n = debrief_pb_varint (pb);

  if (pb->bad || n > (guint64) (pb->end - pb->p))
    {
      pb->bad = TRUE;
      return sub;
    }
  sub.p = pb->p;
  sub.end = pb->p + n;
  sub.bad = FALSE;
  pb->p += n;
  return sub;
}

static inline void
debrief_pb_skip (DebriefPb *pb,
                 guint      wire)
{
  switch (wire)
    {
    case DEBRIEF_PB_VARINT:
      debrief_pb_varint (pb);
      break;
    case DEBRIEF_PB_FIXED64:
      if (pb->end - pb->p < 8)
        pb->bad = TRUE;
      else
        pb->p += 8;
      break;
    case DEBRIEF_PB_BYTES:
      debrief_pb_bytes (pb);
      break;
    case DEBRIEF_PB_FIXED32:
      if (pb->end - pb->p < 4)
        pb->bad = TRUE;
      else
        pb->p += 4;
      break;
    default:
      /* Groups (3, 4) are not used by any format read here. */
      pb->bad = TRUE;
      break;
    }
}

static inline gsize
debrief_pb_length (const DebriefPb *pb)
{
  return pb->bad ? 0 : (gsize) (pb->end - pb->p);
}

G_END_DECLS
