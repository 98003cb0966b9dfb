/* debrief-gguf-private.h: the metadata at the start of a GGUF file (llama.cpp models and adapters)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only what Debrief needs to tell a LoRA adapter from a base model and to
 * check that they belong together: general.type, general.architecture,
 * general.name, adapter.type, adapter.lora.alpha. The file is data: every
 * length is checked against what was read, nothing is trusted.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The metadata keys Debrief wants come first in every converter's output;
 * this much of a file is read (a tokenizer's string arrays may be larger). */
#define DEBRIEF_GGUF_MAX_HEADER (16 * 1024 * 1024)

typedef struct
{
  guint32 version;
  gint64 n_tensors;
  char *type;           /* general.type ("model", "adapter"); NULL absent (files before it = model) */
  char *architecture;   /* general.architecture ("llama", "qwen2", ...) */
  char *name;           /* general.name */
  char *adapter_type;   /* adapter.type ("lora") */
  double lora_alpha;    /* adapter.lora.alpha; NAN absent */
} DebriefGgufInfo;

void     debrief_gguf_info_init  (DebriefGgufInfo *info);
void     debrief_gguf_info_clear (DebriefGgufInfo *info);

/* Parses the header and metadata in @data. @complete: @data is the whole file
 * (a cut inside the metadata is then an error); otherwise @data is a prefix
 * and parsing stops quietly where it ends. Errors name @name (a file name). */
gboolean debrief_gguf_parse      (const guint8    *data,
                                  gsize            len,
                                  gboolean         complete,
                                  const char      *name,
                                  DebriefGgufInfo *info,
                                  GError         **error);

/* Reads at most DEBRIEF_GGUF_MAX_HEADER bytes of @path and parses them. */
gboolean debrief_gguf_read_info  (const char      *path,
                                  DebriefGgufInfo *info,
                                  GError         **error);

/* TRUE when @info describes a LoRA adapter. */
gboolean debrief_gguf_info_is_lora_adapter (const DebriefGgufInfo *info);

G_END_DECLS
