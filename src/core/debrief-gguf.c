/* debrief-gguf.c: GGUF metadata
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout (ggml/docs/gguf.md, versions 2 and 3, little-endian): "GGUF", u32
 * version, u64 tensor count, u64 metadata count, then per entry a string key
 * (u64 length + bytes), a u32 value type and the value; arrays are a u32
 * element type, a u64 count and the elements.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "debrief-error.h"
#include "debrief-gguf-private.h"

enum
{
  GGUF_UINT8, GGUF_INT8, GGUF_UINT16, GGUF_INT16, GGUF_UINT32, GGUF_INT32, GGUF_FLOAT32,
  GGUF_BOOL, GGUF_STRING, GGUF_ARRAY, GGUF_UINT64, GGUF_INT64, GGUF_FLOAT64,
  GGUF_N_TYPES
};

/* Keys and string values longer than this are not metadata but damage. */
#define MAX_KEY_LEN    65535
#define MAX_STRING_LEN (64 * 1024 * 1024)
/* Nested arrays do not occur in real files; two levels are allowed. */
#define MAX_DEPTH      2

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
  gboolean complete;
  const char *name;
  gboolean ended;   /* a prefix ran out: stop without an error */
} Cursor;

void
debrief_gguf_info_init (DebriefGgufInfo *info)
{
  memset (info, 0, sizeof *info);
  info->lora_alpha = NAN;
}

void
debrief_gguf_info_clear (DebriefGgufInfo *info)
{
  g_clear_pointer (&info->type, g_free);
  g_clear_pointer (&info->architecture, g_free);
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->adapter_type, g_free);
  debrief_gguf_info_init (info);
}

/* Whether @n more bytes are there; if not, a complete file is damaged and a prefix has ended. */
static gboolean
need (Cursor  *c,
      guint64  n,
      GError **error)
{
  if (n <= c->len - c->pos)
    return TRUE;
  if (c->complete)
    g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                 _("%s: the GGUF metadata is cut short at byte %zu"), c->name, c->pos);
  else
    c->ended = TRUE;
  return FALSE;
}

static gboolean
read_u32 (Cursor   *c,
          guint32  *v,
          GError  **error)
{
  if (!need (c, 4, error))
    return FALSE;
  *v = (guint32) c->data[c->pos] | (guint32) c->data[c->pos + 1] << 8 |
       (guint32) c->data[c->pos + 2] << 16 | (guint32) c->data[c->pos + 3] << 24;
  c->pos += 4;
  return TRUE;
}

static gboolean
read_u64 (Cursor   *c,
          guint64  *v,
          GError  **error)
{
  guint32 lo, hi;

  if (!read_u32 (c, &lo, error) || !read_u32 (c, &hi, error))
    return FALSE;
  *v = (guint64) hi << 32 | lo;
  return TRUE;
}

/* A string's bytes, not copied; *@len its length. */
static gboolean
read_string (Cursor        *c,
             const guint8 **s,
             guint64       *len,
             guint64        max,
             GError       **error)
{
  if (!read_u64 (c, len, error))
    return FALSE;
  if (*len > max)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                   _("%s: a GGUF string of %" PRIu64 " bytes at byte %zu is not plausible"),
                   c->name, *len, c->pos - 8);
      return FALSE;
    }
  if (!need (c, *len, error))
    return FALSE;
  *s = c->data + c->pos;
  c->pos += *len;
  return TRUE;
}

static gsize
scalar_size (guint32 type)
{
  switch (type)
    {
    case GGUF_UINT8: case GGUF_INT8: case GGUF_BOOL: return 1;
    case GGUF_UINT16: case GGUF_INT16: return 2;
    case GGUF_UINT32: case GGUF_INT32: case GGUF_FLOAT32: return 4;
    case GGUF_UINT64: case GGUF_INT64: case GGUF_FLOAT64: return 8;
    default: return 0;
    }
}

static gboolean
skip_value (Cursor   *c,
            guint32   type,
            guint     depth,
            GError  **error)
{
  gsize size = scalar_size (type);

  if (size > 0)
    {
      if (!need (c, size, error))
        return FALSE;
      c->pos += size;
      return TRUE;
    }
  if (type == GGUF_STRING)
    {
      const guint8 *s;
      guint64 len;

      return read_string (c, &s, &len, MAX_STRING_LEN, error);
    }
  if (type == GGUF_ARRAY && depth >= MAX_DEPTH)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                   _("%s: GGUF arrays nested deeper than %d levels at byte %zu"), c->name, MAX_DEPTH, c->pos);
      return FALSE;
    }
  if (type == GGUF_ARRAY)
    {
      guint32 item_type;
      guint64 count;

      if (!read_u32 (c, &item_type, error) || !read_u64 (c, &count, error))
        return FALSE;
      size = scalar_size (item_type);
      if (size > 0)
        {
          /* count * size may overflow: compare by division. */
          if (count > (c->len - c->pos) / size)
            {
              if (c->complete)
                return need (c, G_MAXUINT64, error);
              c->ended = TRUE;
              return FALSE;
            }
          c->pos += count * size;
          return TRUE;
        }
      if (item_type != GGUF_STRING && item_type != GGUF_ARRAY)
        goto bad_type;
      for (guint64 i = 0; i < count; i++)
        if (!skip_value (c, item_type, depth + 1, error))
          return FALSE;
      return TRUE;
    }

bad_type:
  g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
               _("%s: unknown GGUF value type %u at byte %zu"), c->name, type, c->pos);
  return FALSE;
}

static gboolean
key_is (const guint8 *key,
        guint64       len,
        const char   *want)
{
  return len == strlen (want) && memcmp (key, want, len) == 0;
}

static char *
valid_string (const guint8 *s,
              guint64       len)
{
  return g_utf8_make_valid ((const char *) s, (gssize) len);
}

gboolean
debrief_gguf_parse (const guint8    *data,
                    gsize            len,
                    gboolean         complete,
                    const char      *name,
                    DebriefGgufInfo *info,
                    GError         **out_error)
{
  Cursor c = { data, len, 0, complete, name != NULL ? name : "GGUF", FALSE };
  g_autoptr(GError) local = NULL;
  GError **error = &local;
  guint64 n_tensors, n_kv;

  debrief_gguf_info_init (info);
  if (len < 4 || memcmp (data, "GGUF", 4) != 0)
    {
      g_set_error (out_error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: not a GGUF file"), c.name);
      return FALSE;
    }
  c.pos = 4;
  c.complete = TRUE;   /* the fixed header must be there, prefix or not */
  if (!read_u32 (&c, &info->version, error) || !read_u64 (&c, &n_tensors, error) ||
      !read_u64 (&c, &n_kv, error))
    {
      g_propagate_error (out_error, g_steal_pointer (&local));
      return FALSE;
    }
  c.complete = complete;
  if (info->version == 1 || info->version > 0xffff)
    {
      g_set_error (out_error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                   info->version == 1 ? _("%s: GGUF version 1 is too old; convert it again with a current llama.cpp")
                                      : _("%s: a big-endian or damaged GGUF file (version field %u)"),
                   c.name, info->version);
      return FALSE;
    }
  if (n_tensors > G_MAXINT64)
    {
      g_set_error (out_error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: not a GGUF file"), c.name);
      return FALSE;
    }
  info->n_tensors = (gint64) n_tensors;

  for (guint64 i = 0; i < n_kv; i++)
    {
      const guint8 *key;
      guint64 key_len;
      guint32 type;

      if (!read_string (&c, &key, &key_len, MAX_KEY_LEN, error) || !read_u32 (&c, &type, error))
        break;
      if (type == GGUF_STRING &&
          (key_is (key, key_len, "general.type") || key_is (key, key_len, "general.architecture") ||
           key_is (key, key_len, "general.name") || key_is (key, key_len, "adapter.type")))
        {
          const guint8 *s;
          guint64 slen;
          char **slot;

          if (!read_string (&c, &s, &slen, MAX_STRING_LEN, error))
            break;
          slot = key_is (key, key_len, "general.type") ? &info->type
               : key_is (key, key_len, "general.architecture") ? &info->architecture
               : key_is (key, key_len, "general.name") ? &info->name : &info->adapter_type;
          g_free (*slot);
          *slot = valid_string (s, slen);
        }
      else if (type == GGUF_FLOAT32 && key_is (key, key_len, "adapter.lora.alpha"))
        {
          guint32 bits;
          float f;

          if (!read_u32 (&c, &bits, error))
            break;
          memcpy (&f, &bits, sizeof f);
          info->lora_alpha = f;
        }
      else if (!skip_value (&c, type, 0, error))
        break;
    }
  /* A prefix that ended inside the metadata is no error: what was read stands. */
  if (local != NULL)
    {
      debrief_gguf_info_clear (info);
      g_propagate_error (out_error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
debrief_gguf_read_info (const char      *path,
                        DebriefGgufInfo *info,
                        GError         **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) finfo = NULL;
  g_autofree guint8 *buffer = NULL;
  gsize got = 0;
  goffset size;
  gsize want;

  debrief_gguf_info_init (info);
  in = g_file_read (file, NULL, error);
  if (in == NULL)
    return FALSE;
  finfo = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
  if (finfo == NULL)
    return FALSE;
  size = g_file_info_get_size (finfo);
  want = (gsize) MIN (MAX (size, 0), DEBRIEF_GGUF_MAX_HEADER);
  buffer = g_malloc (MAX (want, 1));
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), buffer, want, &got, NULL, error))
    return FALSE;
  return debrief_gguf_parse (buffer, got, (goffset) got >= size, path, info, error);
}

gboolean
debrief_gguf_info_is_lora_adapter (const DebriefGgufInfo *info)
{
  return g_strcmp0 (info->type, "adapter") == 0 &&
         (info->adapter_type == NULL || g_ascii_strcasecmp (info->adapter_type, "lora") == 0);
}
