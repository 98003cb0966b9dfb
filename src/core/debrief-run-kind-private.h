/* debrief-run-kind-private.h: what kind of training a run was (private to libdebrief)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POSTTRAINING.md 1: the method (sft, cpt, pretrain, dpo, rl, reward_model) and
 * the adapter (lora, qlora, dora, none), each decided by the strongest evidence
 * the folder holds: the trainer's configuration, then the logged keys, then the
 * file names. Detection runs on a loaded run, from its series names, its format
 * and the hints configuration files left in its DebriefRunConfig, so that every
 * reader gets it without code of its own.
 */
#pragma once

#include "debrief-run.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_KEY_OTHER,
  DEBRIEF_KEY_LOSS,        /* a training or validation loss */
  DEBRIEF_KEY_SFT,         /* only supervised trainers log it (mean_token_accuracy, train_mean_nll) */
  DEBRIEF_KEY_PREFERENCE,  /* rewards/margins, logps/chosen ... (DPO and its family) */
  DEBRIEF_KEY_RL,          /* reward, kl, completions/..., env/.../reward ... */
} DebriefKeyRole;

/* The role of a logged key, ignoring the prefixes trackers and evaluations add
 * ("train/", "eval/", "eval_", "test/"). */
DebriefKeyRole debrief_key_role            (const char *key);
/* TRUE for keys worth opening a generic JSON-lines or CSV log for. */
gboolean       debrief_key_is_training_metric (const char *key);

/* Sets the run's method, adapter (each with its evidence) and primary metric.
 * The loader calls it once everything was read. */
void           debrief_run_detect_kind     (DebriefRun *run);

G_END_DECLS
