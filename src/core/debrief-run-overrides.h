/* debrief-run-overrides.h: values that fill gaps in a run's configuration
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Logs often do not say the LoRA rank, the dataset size or the base model.
 * The user types them into the capacity card (remembered per run folder) and
 * debrief-cli takes them as --rank / --tokens / --model (for one invocation).
 * Both go through this struct, so a value means the same wherever it came from.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

#include "debrief-run.h"

G_BEGIN_DECLS

struct _DebriefRunOverrides
{
  gint64 lora_rank;              /* > 0: use this rank */
  gint64 dataset_tokens;         /* > 0: one epoch has this many tokens */
  char *dataset_tokens_source;   /* where the number came from ("user", "--tokens") */
  gint64 rl_episodes;            /* > 0: an RL run trained on this many episodes */
  char *base_model;              /* a model name the user typed, or NULL */
  gboolean have_dims;
  DebriefModelDims dims;
  char *dims_source;             /* "built-in table: Llama-3.1-8B", "--model config.json" */
};

void     debrief_run_overrides_init      (DebriefRunOverrides       *overrides);
void     debrief_run_overrides_clear     (DebriefRunOverrides       *overrides);
gboolean debrief_run_overrides_is_empty  (const DebriefRunOverrides *overrides);
/* Values set in @from replace those in @into. */
void     debrief_run_overrides_merge     (DebriefRunOverrides       *into,
                                          const DebriefRunOverrides *from);
/* Looks @name up in the built-in model table and sets base_model, dims and
 * dims_source; an error a person can act on when the table does not know it. */
gboolean debrief_run_overrides_set_model (DebriefRunOverrides       *overrides,
                                          const char                *name,
                                          GError                   **error);
void     debrief_run_overrides_apply     (const DebriefRunOverrides *overrides,
                                          DebriefRunConfig          *config);

/* What the user typed for @folder, remembered in @store (a GKeyFile, one
 * group per run folder). Blocking: call from a worker thread. A missing store
 * is not an error (nothing remembered yet). */
gboolean debrief_run_overrides_load      (GFile                     *store,
                                          GFile                     *folder,
                                          DebriefRunOverrides       *overrides,
                                          GError                   **error);
/* Remembers @overrides for @folder (replacing what was remembered), written
 * atomically; other folders' entries are kept. Blocking: call from a worker
 * thread. Safe against concurrent saves from the same process. */
gboolean debrief_run_overrides_save      (GFile                     *store,
                                          GFile                     *folder,
                                          const DebriefRunOverrides *overrides,
                                          GError                   **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DebriefRunOverrides, debrief_run_overrides_clear)

G_END_DECLS
