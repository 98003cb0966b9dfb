/* debrief-reader-wandb-private.h: W&B local run folders (wandb/run-<date>-<id>/)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The metric history is in run-<id>.wandb, the SDK's transaction log: a
 * 7-byte header (":W&B", magic 0xBEE1, version 0), then LevelDB log framing —
 * 32 KiB blocks of chunks with a 7-byte header (checksum u32, length u16,
 * type u8: FULL 1, FIRST 2, MIDDLE 3, LAST 4), a block's last < 7 bytes
 * zero padding. The checksum W&B writes is CRC-32 (IEEE) over the type byte
 * and the data (LevelDB's own masked CRC-32C is accepted too). Each record is
 * a protobuf Record: history = 2 (HistoryRecord: item = 1 {key = 1,
 * nested_key = 2, value_json = 16}, step = 2 {num = 1}), summary = 3,
 * output = 4 and output_raw = 13 ({line = 3}), config = 5 (ConfigRecord:
 * update = 1, items as above), run = 17 (RunRecord: run_id = 1, project = 3,
 * config = 4, run_group = 6, display_name = 8), exit = 18 (exit_code = 1).
 * Beside it, files/config.yaml ({key: {value: ...}}), files/wandb-summary.json
 * and files/output.log (how the run ended).
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

#define DEBRIEF_WANDB_BLOCK_SIZE 32768
#define DEBRIEF_WANDB_HEADER_SIZE 7

/* What a transaction log says about its run besides the history. */
typedef struct
{
  DebriefJsonNode *config;    /* object: key -> value (ConfigRecord updates, in order) */
  char *display_name;
  char *project;
  char *group;
  char *run_id;
  gboolean have_exit;
  gint64 exit_code;
  GString *output_tail;       /* the last console output (Output records) */
  guint n_history;            /* HistoryRecords read */
  guint n_records;            /* Records read */
} DebriefWandbInfo;

void     debrief_wandb_info_clear            (DebriefWandbInfo   *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DebriefWandbInfo, debrief_wandb_info_clear)

/* Reads a transaction log from memory: the history into ctx->run as series,
 * the rest into @info (may be NULL). Damaged chunks are skipped up to the
 * next block, with a warning saying what was lost; an error when the header
 * is not W&B's or no record could be read. */
gboolean debrief_reader_wandb_parse          (DebriefReadContext *ctx,
                                              const char         *data,
                                              gsize               length,
                                              DebriefWandbInfo   *info,
                                              GError            **error);
/* The transaction log of the folder (run-<id>.wandb, or the only *.wandb), or NULL. */
char    *debrief_reader_wandb_find_log       (DebriefLoadJob     *job);
/* The whole run folder: the log, then config, summary and how the run ended. */
gboolean debrief_reader_wandb_load           (DebriefLoadJob     *job,
                                              DebriefRun         *run,
                                              const char         *rel,
                                              GError            **error);
/* W&B's config.yaml shape ({key: {desc: ..., value: X}}) as a new {key: X}
 * (the values are moved out of @config); W&B's own keys (_wandb,
 * wandb_version) are left out. */
DebriefJsonNode *debrief_reader_wandb_unwrap_config (DebriefJsonNode *config);
gboolean debrief_key_map_wandb               (const char         *key,
                                              const char        **name,
                                              DebriefSeriesKind  *kind);

G_END_DECLS
