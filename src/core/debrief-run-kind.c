/* debrief-run-kind.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kind detection (POSTTRAINING.md 1). The evidence is weighed strongest
 * first and the first that decides wins, so that what the user is told is the
 * reason, not a vote: a trainer's own configuration (LLaMA-Factory stage,
 * adapter_config.json peft_type, a TRL config's options), then the keys the
 * trainer logged, then the file names. Nothing here guesses an adapter: a run
 * without adapter evidence is "unknown", not a full fine-tune.
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-run-kind-private.h"
#include "debrief-reader-private.h"

/* A first training loss above this is what a model with random weights shows
 * (ln of the vocabulary: 10.4 for 32k tokens, 10.8 for GPT-2's 50k, 11.8 for
 * 128k); a pretrained model starts far lower, even on text it never saw. */
#define FROM_SCRATCH_FIRST_LOSS 9.5
/* ... and below this: ln(400000), beyond any vocabulary in use. A larger first
 * loss is a sum over tokens or a scaling bug, not a sign of random weights. */
#define FROM_SCRATCH_MAX_FIRST_LOSS 13.0
/* How many keys an evidence sentence names. */
#define EVIDENCE_KEYS 3

static const char *
strip_prefixes (const char *key)
{
  static const char *const prefixes[] = { "train/", "eval/", "eval_", "test/", "val/", "validation/", NULL };
  gboolean again = TRUE;

  while (again)
    {
      again = FALSE;
      for (guint i = 0; prefixes[i]; i++)
        if (g_str_has_prefix (key, prefixes[i]) && key[strlen (prefixes[i])] != '\0')
          {
            key += strlen (prefixes[i]);
            again = TRUE;
          }
    }
  return key;
}

static gboolean
has_any_prefix (const char         *key,
                const char *const  *list)
{
  for (guint i = 0; list[i]; i++)
    if (g_str_has_prefix (key, list[i]))
      return TRUE;
  return FALSE;
}

DebriefKeyRole
debrief_key_role (const char *key)
{
  /* TRL's DPO, ORPO, KTO, CPO and SimPO trainers (and LLaMA-Factory's). */
  static const char *const preference[] = {
    "rewards/margins", "rewards/accuracies", "rewards/chosen", "rewards/rejected",
    "logps/chosen", "logps/rejected", "logits/chosen", "logits/rejected",
    "odds_ratio_loss", "log_odds_ratio", "log_odds_chosen", NULL
  };
  /* TRL GRPO/PPO/RLOO, tinker-cookbook RL and distillation, OpenRLHF, verl. */
  static const char *const rl[] = {
    "reward", "reward_std", "frac_reward_zero_std", "completion_length", "teacher_kl",
    "optim/kl_sample_train_v1", "optim/kl_sample_train_v2", "ppo/mean_scores", "critic/score/mean",
    "critic/rewards/mean", "actor/pg_loss", "actor/entropy", "rewards/mean", NULL
  };
  static const char *const rl_prefixes[] = {
    "completions/", "env/", "objective/", "ppo/", "critic/", "actor/", "response_length/",
    "clip_ratio/", "teacher_kl/", NULL
  };
  const char *k;

  if (debrief_key_is_loss_like (key))
    return DEBRIEF_KEY_LOSS;
  k = strip_prefixes (key);
  if (g_strv_contains (preference, k) ||
      (g_str_has_prefix (k, "rewards/") && (strstr (k, "chosen") || strstr (k, "rejected"))))
    return DEBRIEF_KEY_PREFERENCE;
  /* GRPO logs one "rewards/<function>" per reward function. */
  if (g_strv_contains (rl, k) || has_any_prefix (k, rl_prefixes) || g_str_has_prefix (k, "rewards/"))
    return DEBRIEF_KEY_RL;
  if (strcmp (k, "mean_token_accuracy") == 0)
    return DEBRIEF_KEY_SFT;
  return DEBRIEF_KEY_OTHER;
}

gboolean
debrief_key_is_training_metric (const char *key)
{
  return debrief_key_role (key) != DEBRIEF_KEY_OTHER;
}

/* ---- evidence ---- */

typedef struct
{
  GPtrArray *keys[DEBRIEF_KEY_RL + 1];   /* logged keys by role, first seen first */
  double first_loss;
  gboolean tinker;                       /* keys or checkpoints only tinker-cookbook writes */
  gboolean llamafactory_accuracy;        /* trainer_log.jsonl "accuracy" = rewards/accuracies */
  gboolean llamafactory_reward;          /* trainer_log.jsonl "reward": LLaMA-Factory PPO */
  gboolean teacher_kl;
  gboolean train_mean_nll;
} KeyEvidence;

static const char *
series_key (DebriefSeries *series)
{
  const char *key = debrief_series_get_source_key (series);
  return key ? key : debrief_series_get_name (series);
}

static void
gather_keys (DebriefRun  *run,
             KeyEvidence *ev)
{
  GPtrArray *series = debrief_run_get_series (run);
  DebriefSeries *train = debrief_run_get_train_loss (run);
  gboolean llamafactory = g_strcmp0 (debrief_run_get_format (run), "llamafactory") == 0;

  for (guint i = 0; i <= DEBRIEF_KEY_RL; i++)
    ev->keys[i] = g_ptr_array_new ();
  ev->first_loss = NAN;
  if (train != NULL && debrief_series_get_length (train) > 0)
    ev->first_loss = debrief_series_get_value (train, 0);

  for (guint i = 0; i < series->len; i++)
    {
      DebriefSeries *s = g_ptr_array_index (series, i);
      const char *key = series_key (s);
      DebriefSeriesKind kind = debrief_series_get_kind (s);
      /* A reader that named the losses itself (text logs: "N train X") knows better than the key. */
      DebriefKeyRole role = kind == DEBRIEF_SERIES_TRAIN_LOSS || kind == DEBRIEF_SERIES_VAL_LOSS
                            ? DEBRIEF_KEY_LOSS : debrief_key_role (key);

      if (debrief_series_get_length (s) == 0)
        continue;
      if (llamafactory && strcmp (key, "accuracy") == 0)
        {
          ev->llamafactory_accuracy = TRUE;
          role = DEBRIEF_KEY_PREFERENCE;
        }
      else if (llamafactory && strcmp (key, "reward") == 0)
        ev->llamafactory_reward = TRUE;
      if (strcmp (key, "teacher_kl") == 0)
        ev->teacher_kl = TRUE;
      if (strcmp (key, "train_mean_nll") == 0)
        ev->train_mean_nll = TRUE;
      if (g_str_has_prefix (key, "optim/kl_sample_train") || g_str_has_prefix (key, "env/all/") ||
          strcmp (key, "progress/done_frac") == 0 || strcmp (key, "num_loss_tokens") == 0)
        ev->tinker = TRUE;
      g_ptr_array_add (ev->keys[role], (gpointer) key);
    }
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run) && !ev->tinker; i++)
    {
      const DebriefCheckpoint *cp = debrief_run_get_checkpoint (run, i);
      if ((cp->sampler_path && g_str_has_prefix (cp->sampler_path, "tinker://")) ||
          (cp->path && g_str_has_prefix (cp->path, "tinker://")))
        ev->tinker = TRUE;
    }
  if (g_strcmp0 (debrief_run_get_format (run), "tinker") == 0)
    ev->tinker = TRUE;
}

static void
key_evidence_clear (KeyEvidence *ev)
{
  for (guint i = 0; i <= DEBRIEF_KEY_RL; i++)
    g_clear_pointer (&ev->keys[i], g_ptr_array_unref);
}

/* "reward, kl, completions/mean_length" */
static char *
key_list (GPtrArray *keys)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < keys->len && i < EVIDENCE_KEYS; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (keys, i));
  if (keys->len > EVIDENCE_KEYS)
    g_string_append (out, ", …");
  return g_string_free (out, FALSE);
}

/* ---- method ---- */

static DebriefMethod
method_from_stage (const char *stage)
{
  static const struct { const char *word; DebriefMethod method; } words[] = {
    { "pt", DEBRIEF_METHOD_CPT }, { "pretrain", DEBRIEF_METHOD_CPT }, { "cpt", DEBRIEF_METHOD_CPT },
    { "sft", DEBRIEF_METHOD_SFT },
    { "rm", DEBRIEF_METHOD_REWARD_MODEL }, { "reward", DEBRIEF_METHOD_REWARD_MODEL },
    { "reward-trainer", DEBRIEF_METHOD_REWARD_MODEL },
    { "dpo", DEBRIEF_METHOD_DPO }, { "ipo", DEBRIEF_METHOD_DPO }, { "kto", DEBRIEF_METHOD_DPO },
    { "orpo", DEBRIEF_METHOD_DPO }, { "simpo", DEBRIEF_METHOD_DPO }, { "cpo", DEBRIEF_METHOD_DPO },
    { "ppo", DEBRIEF_METHOD_RL }, { "grpo", DEBRIEF_METHOD_RL }, { "rloo", DEBRIEF_METHOD_RL },
    { "rl", DEBRIEF_METHOD_RL }, { "reinforce", DEBRIEF_METHOD_RL }, { "gspo", DEBRIEF_METHOD_RL },
    { "dapo", DEBRIEF_METHOD_RL },
  };
  gsize n = strcspn (stage, " (,");

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strlen (words[i].word) == n && strncmp (stage, words[i].word, n) == 0)
      return words[i].method;
  return DEBRIEF_METHOD_UNKNOWN;
}

static void
detect_method (DebriefRun        *run,
               const KeyEvidence *ev)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  DebriefMethod method;
  g_autofree char *keys = NULL;
  g_autofree char *evidence = NULL;

  if (config->stage != NULL && (method = method_from_stage (config->stage)) != DEBRIEF_METHOD_UNKNOWN)
    {
      evidence = g_strdup_printf ("%s: %s", config->stage_source, config->stage);
      debrief_run_set_method (run, method, evidence);
      return;
    }

  if (ev->keys[DEBRIEF_KEY_PREFERENCE]->len > 0)
    {
      if (ev->llamafactory_accuracy && ev->keys[DEBRIEF_KEY_PREFERENCE]->len == 1)
        evidence = g_strdup (_("trainer_log.jsonl logs “accuracy”, LLaMA-Factory's name for the preference "
                               "accuracy (rewards/accuracies)"));
      else
        {
          keys = key_list (ev->keys[DEBRIEF_KEY_PREFERENCE]);
          evidence = g_strdup_printf (_("logged preference metrics (%s)"), keys);
        }
      debrief_run_set_method (run, DEBRIEF_METHOD_DPO, evidence);
      return;
    }
  if (ev->keys[DEBRIEF_KEY_RL]->len > 0 || ev->llamafactory_reward)
    {
      if (ev->teacher_kl)
        evidence = g_strdup (_("logged teacher_kl: on-policy distillation (the student samples, the teacher scores)"));
      else if (ev->llamafactory_reward && ev->keys[DEBRIEF_KEY_RL]->len <= 1)
        evidence = g_strdup (_("trainer_log.jsonl logs “reward” (LLaMA-Factory's PPO stage)"));
      else
        {
          keys = key_list (ev->keys[DEBRIEF_KEY_RL]);
          evidence = g_strdup_printf (_("logged reinforcement-learning metrics (%s)"), keys);
        }
      debrief_run_set_method (run, DEBRIEF_METHOD_RL, evidence);
      return;
    }
  if (ev->keys[DEBRIEF_KEY_SFT]->len > 0)
    {
      debrief_run_set_method (run, DEBRIEF_METHOD_SFT,
                              _("logged mean_token_accuracy (TRL's supervised trainer)"));
      return;
    }
  if (ev->keys[DEBRIEF_KEY_LOSS]->len > 0)
    {
      if (isfinite (ev->first_loss) && ev->first_loss >= FROM_SCRATCH_FIRST_LOSS &&
          ev->first_loss <= FROM_SCRATCH_MAX_FIRST_LOSS &&
          !debrief_adapter_is_lora (debrief_run_get_adapter (run)))
        {
          evidence = g_strdup_printf (_("the first training loss, %.2f, is about ln(vocabulary size): the model "
                                        "started from random weights"), ev->first_loss);
          debrief_run_set_method (run, DEBRIEF_METHOD_PRETRAIN, evidence);
        }
      else if (ev->train_mean_nll)
        debrief_run_set_method (run, DEBRIEF_METHOD_SFT,
                                _("logged train_mean_nll and no reward: tinker-cookbook supervised learning"));
      else
        debrief_run_set_method (run, DEBRIEF_METHOD_SFT,
                                _("only a loss was logged (no reward, no preference metrics): supervised "
                                  "fine-tuning assumed; continued pre-training logs the same"));
      return;
    }
  debrief_run_set_method (run, DEBRIEF_METHOD_UNKNOWN, _("no training metric was logged"));
}

/* ---- adapter ---- */

static gboolean
name_says_4bit (const char *model)
{
  g_autofree char *lower = model ? g_ascii_strdown (model, -1) : NULL;

  return lower != NULL && (strstr (lower, "bnb-4bit") || strstr (lower, "4bit") || strstr (lower, "-int4") ||
                           strstr (lower, "gptq") || strstr (lower, "-awq") || strstr (lower, "nf4"));
}

static void
detect_adapter (DebriefRun        *run,
                const KeyEvidence *ev)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  g_autofree char *quant = NULL;
  g_autofree char *evidence = NULL;
  const char *ft = config->finetuning_type;

  if (config->quantization_bits == 4)
    quant = g_strdup_printf (_("4-bit base weights (%s)"), config->quantization_source);
  else if (name_says_4bit (config->base_model))
    quant = g_strdup_printf (_("4-bit base weights (%s)"), config->base_model);

  if (config->peft_type != NULL)
    {
      if (strcmp (config->peft_type, "lora") != 0)
        {
          evidence = g_strdup_printf (_("%s: peft_type %s, not a LoRA"), config->peft_type_source,
                                      config->peft_type);
          debrief_run_set_adapter (run, DEBRIEF_ADAPTER_UNKNOWN, evidence);
        }
      else if (config->use_dora == DEBRIEF_TRISTATE_YES)
        {
          evidence = g_strdup_printf (_("%s: peft_type LORA with use_dora"), config->peft_type_source);
          debrief_run_set_adapter (run, DEBRIEF_ADAPTER_DORA, evidence);
        }
      else if (quant != NULL)
        {
          evidence = g_strdup_printf (_("%s: peft_type LORA; %s"), config->peft_type_source, quant);
          debrief_run_set_adapter (run, DEBRIEF_ADAPTER_QLORA, evidence);
        }
      else
        {
          evidence = g_strdup_printf (_("%s: peft_type LORA"), config->peft_type_source);
          debrief_run_set_adapter (run, DEBRIEF_ADAPTER_LORA, evidence);
        }
      return;
    }
  if (ft != NULL)
    {
      if (strcmp (ft, "full") == 0 || strcmp (ft, "freeze") == 0)
        {
          evidence = g_strdup_printf (_("%s: finetuning_type %s"), config->finetuning_type_source, ft);
          debrief_run_set_adapter (run, DEBRIEF_ADAPTER_NONE, evidence);
          return;
        }
      if (strcmp (ft, "lora") == 0 || strcmp (ft, "qlora") == 0)
        {
          gboolean q = strcmp (ft, "qlora") == 0 || quant != NULL;
          if (quant != NULL)
            evidence = g_strdup_printf (_("%s: %s; %s"), config->finetuning_type_source, ft, quant);
          else
            evidence = g_strdup_printf (_("%s: %s"), config->finetuning_type_source, ft);
          debrief_run_set_adapter (run, q ? DEBRIEF_ADAPTER_QLORA : DEBRIEF_ADAPTER_LORA, evidence);
          return;
        }
    }
  if (ev->tinker)
    {
      if (config->lora_rank > 0)
        evidence = g_strdup_printf (_("a tinker-cookbook log (Tinker trains LoRA adapters only), rank %"
                                      PRId64), config->lora_rank);
      else
        evidence = g_strdup (_("a tinker-cookbook log (Tinker trains LoRA adapters only)"));
      debrief_run_set_adapter (run, DEBRIEF_ADAPTER_LORA, evidence);
      return;
    }
  if (config->lora_rank > 0)
    {
      if (quant != NULL)
        evidence = g_strdup_printf (_("the configuration names a LoRA rank (%" PRId64 "); %s"), config->lora_rank, quant);
      else
        evidence = g_strdup_printf (_("the configuration names a LoRA rank (%" PRId64 ")"), config->lora_rank);
      debrief_run_set_adapter (run, quant ? DEBRIEF_ADAPTER_QLORA : DEBRIEF_ADAPTER_LORA, evidence);
      return;
    }
  if (config->prefix_length > 0)
    {
      evidence = g_strdup_printf (_("%s: pre_seq_len %" PRId64 ", a P-Tuning v2 prefix: neither a "
                                    "LoRA nor a full fine-tune"),
                                  config->prefix_length_source, config->prefix_length);
      debrief_run_set_adapter (run, DEBRIEF_ADAPTER_UNKNOWN, evidence);
    }
  else if (config->full_model_config)
    {
      /* Translators: %s is the file, e.g. "config.json" or "files/config.yaml" */
      evidence = g_strdup_printf (_("no adapter configuration, and a whole model's configuration (%s): probably a "
                                    "full fine-tune, or merged weights"),
                                  config->full_model_config_source ? config->full_model_config_source
                                                                   : "config.json");
      debrief_run_set_adapter (run, DEBRIEF_ADAPTER_UNKNOWN, evidence);
    }
  else
    debrief_run_set_adapter (run, DEBRIEF_ADAPTER_UNKNOWN, _("no adapter configuration in the folder"));
}

/* ---- primary metric ---- */

static const char *
first_present (DebriefRun         *run,
               const char *const  *names)
{
  for (guint i = 0; names[i]; i++)
    {
      DebriefSeries *s = debrief_run_get_series_by_name (run, names[i]);
      if (s != NULL && debrief_series_get_length (s) > 0)
        return names[i];
    }
  /* W&B, TensorBoard and their CSV exports log the same keys as "train/<key>". */
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *prefixed = g_strconcat ("train/", names[i], NULL);
      DebriefSeries *s = debrief_run_get_series_by_name (run, prefixed);
      if (s != NULL && debrief_series_get_length (s) > 0)
        return debrief_series_get_name (s);
    }
  return NULL;
}

static void
detect_primary_metric (DebriefRun *run)
{
  /* Mean reward per step, as each trainer names it. */
  static const char *const rewards[] = {
    "env/all/reward/total", "reward", "train/reward", "rewards/mean", "objective/rlhf_reward",
    "objective/scores", "ppo/mean_scores", "critic/score/mean", "critic/rewards/mean", "env/all/correct", NULL
  };
  static const char *const losses[] = { "train_loss", "val_loss", NULL };
  const char *primary = NULL;

  if (debrief_run_get_method (run) == DEBRIEF_METHOD_RL)
    {
      /* On-policy distillation minimises the KL to its teacher; its "reward" is 0 by construction. */
      static const char *const distill[] = { "teacher_kl", NULL };
      primary = first_present (run, distill);
      if (primary == NULL)
        primary = first_present (run, rewards);
    }
  if (primary == NULL)
    primary = first_present (run, losses);
  debrief_run_set_primary_metric (run, primary);
}

void
debrief_run_detect_kind (DebriefRun *run)
{
  KeyEvidence ev = { 0 };

  gather_keys (run, &ev);
  /* The adapter first: a LoRA rules out "trained from scratch". */
  detect_adapter (run, &ev);
  detect_method (run, &ev);
  detect_primary_metric (run);
  key_evidence_clear (&ev);
}
