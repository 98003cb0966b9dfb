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
