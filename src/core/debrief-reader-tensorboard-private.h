/* debrief-reader-tensorboard-private.h: TensorBoard event files (events.out.tfevents.*)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TFRecord framing (u64 length, masked CRC-32C of the length, data, masked
 * CRC-32C of the data) around Event protocol buffers; scalars come from
 * Summary.Value.simple_value or a one-element TensorProto.
 */
#pragma once

#include "debrief-protobuf-private.h"
#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* Reads the scalar events of one file into @set; @tag_prefix ("eval/" for a
 * file in a validation subfolder) is put before each tag. A bad checksum on a
 * record's data skips that record; a bad length checksum ends the file
 * (framing lost), with an error when it is the first record. */
gboolean debrief_reader_tensorboard_parse_into (DebriefReadContext *ctx,
                                                DebriefSeriesSet   *set,
                                                const char         *data,
                                                gsize               length,
                                                const char         *tag_prefix,
                                                GError            **error);
/* How far the reading of one event file got (a file still being written is
 * read a piece at a time). */
typedef struct
{
  guint records;            /* records read so far */
  guint n_bad_data;         /* with a bad data checksum */
  guint64 offset;           /* in the file, of the next byte to read */
  gboolean broken;          /* framing lost: the rest cannot be read */
} DebriefTbFile;

/* Reads the whole records of @data, the next piece of @file, into @set:
 * warnings about records through @ctx, about the end of the file (a record
 * still being written, told only when @at_end) through @load_ctx.
 * *@consumed: the bytes of whole records. */
gboolean debrief_reader_tensorboard_feed       (DebriefReadContext *ctx,
                                                DebriefReadContext *load_ctx,
                                                DebriefSeriesSet   *set,
                                                DebriefTbFile      *file,
                                                const char         *data,
                                                gsize               length,
                                                const char         *tag_prefix,
                                                gboolean            at_end,
                                                gsize              *consumed,
                                                GError            **error);
/* The summary warnings of a file read to its end. */
void     debrief_reader_tensorboard_file_done  (DebriefReadContext *ctx,
                                                const DebriefTbFile *file);
/* One file from memory into ctx->run. */
gboolean debrief_reader_tensorboard_parse      (DebriefReadContext *ctx,
                                                const char         *data,
                                                gsize               length,
                                                GError            **error);
gboolean debrief_reader_tensorboard_folder_has_events (DebriefLoadJob *job);
/* Every event file of the folder and its subfolders (two levels: runs/<date>/,
 * lightning_logs/version_N/, train/, validation/), in path order. */
gboolean debrief_reader_tensorboard_load       (DebriefLoadJob     *job,
                                                DebriefRun         *run,
                                                GError            **error);
gboolean debrief_key_map_tensorboard           (const char         *key,
                                                const char        **name,
                                                DebriefSeriesKind  *kind);

G_END_DECLS
