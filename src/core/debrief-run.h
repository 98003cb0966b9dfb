/* debrief-run.h: a training run loaded from its folder
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-series.h"

G_BEGIN_DECLS

/* Base model dimensions; 0 means unknown. */
struct _DebriefModelDims
{
  gint64 hidden_size;
  gint64 intermediate_size;
  gint64 num_layers;
  gint64 num_attention_heads;
  gint64 num_key_value_heads;
  gint64 head_dim;
  gint64 vocab_size;
  /* For the parameter count (the total_flos token estimate); 0 unknown. */
  gint64 num_experts;             /* routed MLP experts per layer (mixture of experts); 0 dense */
  gint64 tie_word_embeddings;     /* 1 untied output layer, 2 tied to the embedding */
  gint64 mlp_matrices;            /* 3 gated (gate, up, down), 2 plain (fc1/c_fc, fc2/c_proj) */
};

typedef enum
{
  DEBRIEF_TRISTATE_UNKNOWN = -1,
  DEBRIEF_TRISTATE_NO = 0,
  DEBRIEF_TRISTATE_YES = 1,
} DebriefTristate;

/* What the run says about itself. Unknown numbers are 0 (integers) or NAN
 * (doubles), unknown strings NULL. Readers fill it; the analysis and the
 * capacity card read it; the user may fill gaps (the app remembers them). */
struct _DebriefRunConfig
{
  gint64 lora_rank;
  double lora_alpha;
  char **target_modules;          /* NULL unknown; {"all-linear"} allowed */
  DebriefTristate train_attn;     /* Tinker booleans, or derived from target_modules */
  DebriefTristate train_mlp;
  DebriefTristate train_unembed;
  DebriefTristate use_rslora;
  DebriefTristate use_dora;

  char *base_model;               /* base_model_name_or_path / model_name */
  DebriefModelDims dims;
  char *dims_source;              /* "config.json", "built-in table: ...", "user" */

  gint64 dataset_tokens;          /* one epoch */
  char *dataset_tokens_source;
  double learning_rate;           /* peak / configured */
  char *lr_schedule;
  double num_epochs;
  gint64 max_steps;
  gint64 steps_per_epoch;
  gint64 batch_size;

  /* How the run trained, as its configuration files wrote it, each with the file
   * that said it; kind detection reads them (NULL: not said). */
  char *peft_type;                /* adapter_config.json "LORA", "PROMPT_TUNING" ... */
  char *peft_type_source;
  char *stage;                    /* LLaMA-Factory stage, axolotl rl, a trainer recognised by its keys */
  char *stage_source;
  char *finetuning_type;          /* "lora", "qlora", "full", "freeze" */
  char *finetuning_type_source;
  gint64 quantization_bits;       /* 4 or 8 when the base weights were quantised; 0 unknown */
  char *quantization_source;
  gboolean full_model_config;     /* a whole model's configuration sat in the folder */
  char *full_model_config_source; /* the file that held it: "config.json", "files/config.yaml" */
  gint64 prefix_length;           /* P-Tuning v2 / prefix tuning: pre_seq_len; 0 none */
  char *prefix_length_source;

  /* The Trainer's floating-point operation count and the epochs it covers (the
   * token estimate of POSTTRAINING 5); NAN unknown. */
  double total_flos;
  char *total_flos_source;
  double epochs_done;

  /* RL: the episodes (rollouts) trained on, which the capacity rule counts
   * instead of tokens (about one bit each); 0 unknown. */
  gint64 rl_episodes;
  char *rl_episodes_source;
};

struct _DebriefCheckpoint
{
  char *name;             /* "checkpoint-480", "000300", "final" */
  gint64 step;            /* -1 unknown */
  char *path;             /* folder or state_path, as written (data, never followed) */
  char *sampler_path;     /* tinker://... for sampling */
  double val_loss;        /* NAN unknown */
  gboolean is_final;
  gboolean is_best;
};

/* What kind of training the run was (POSTTRAINING.md 1): the analysis picks its
 * checks and its advice by it. */
typedef enum
{
  DEBRIEF_METHOD_UNKNOWN,
  DEBRIEF_METHOD_SFT,
  DEBRIEF_METHOD_CPT,           /* continued pre-training on raw text */
  DEBRIEF_METHOD_PRETRAIN,      /* from scratch */
  DEBRIEF_METHOD_DPO,           /* preference: DPO, IPO, ORPO, KTO, CPO, SimPO */
  DEBRIEF_METHOD_RL,            /* GRPO, PPO, RLOO, REINFORCE, Tinker RL, on-policy distillation */
  DEBRIEF_METHOD_REWARD_MODEL,
} DebriefMethod;

typedef enum
{
  DEBRIEF_ADAPTER_UNKNOWN,      /* no evidence either way: not the same as a full fine-tune */
  DEBRIEF_ADAPTER_LORA,
  DEBRIEF_ADAPTER_QLORA,
  DEBRIEF_ADAPTER_DORA,
  DEBRIEF_ADAPTER_NONE,         /* a full fine-tune, said so by a config */
} DebriefAdapter;

/* "sft", "cpt", "pretrain", "dpo", "rl", "reward_model", "unknown" (the CLI's JSON values). */
const char       *debrief_method_to_string        (DebriefMethod   method);
/* "lora", "qlora", "dora", "none", "unknown". */
const char       *debrief_adapter_to_string       (DebriefAdapter  adapter);
/* In words, translated ("Reinforcement learning", "full fine-tune"), as the
 * window and the report show them; NULL when unknown. */
const char       *debrief_method_to_label         (DebriefMethod   method);
const char       *debrief_adapter_to_label        (DebriefAdapter  adapter);

#define DEBRIEF_TYPE_RUN (debrief_run_get_type ())
G_DECLARE_FINAL_TYPE (DebriefRun, debrief_run, DEBRIEF, RUN, GObject)

DebriefRun       *debrief_run_new                 (GFile          *folder);
GFile            *debrief_run_get_folder          (DebriefRun     *self);
const char       *debrief_run_get_path            (DebriefRun     *self);
const char       *debrief_run_get_name            (DebriefRun     *self);
void              debrief_run_set_name            (DebriefRun     *self,
                                                   const char     *name);
/* "seed", "hf_trainer", "tinker", "llamafactory", "lightning_csv", "tensorboard", "generic" */
const char       *debrief_run_get_format          (DebriefRun     *self);
void              debrief_run_set_format          (DebriefRun     *self,
                                                   const char     *format);
/* The experiment, project or sweep the tracker filed the run under
 * (MLflow's experiment name, W&B's project / group); NULL when none. */
const char       *debrief_run_get_group           (DebriefRun     *self);
void              debrief_run_set_group           (DebriefRun     *self,
                                                   const char     *group);
/* How the run ended when it did not end well: the exception line of a Python
 * traceback at the end of its console log ("torch.OutOfMemoryError: CUDA out
 * of memory. ..."), or "exit code N" from the tracker; NULL when the run did
 * not crash (or nothing says so). For the analysis' broken_run finding. */
const char       *debrief_run_get_crash           (DebriefRun     *self);
/* How far it got and what says it is over (debrief-run-progress.h); readers fill it. */
DebriefRunProgress *debrief_run_get_progress      (DebriefRun     *self);
void              debrief_run_set_crash           (DebriefRun     *self,
                                                   const char     *crash);

/* Files the reader used, relative to the folder (for the UI: "what was recognised"). */
void              debrief_run_add_source_file     (DebriefRun     *self,
                                                   const char     *relative_path);
const char *const *debrief_run_get_source_files   (DebriefRun     *self);

/* Series: owned by the run, in insertion order. Finish each before adding. */
void              debrief_run_add_series          (DebriefRun     *self,
                                                   DebriefSeries  *series);
GPtrArray        *debrief_run_get_series          (DebriefRun     *self);
DebriefSeries    *debrief_run_get_series_by_kind  (DebriefRun     *self,
                                                   DebriefSeriesKind kind);
DebriefSeries    *debrief_run_get_series_by_name  (DebriefRun     *self,
                                                   const char     *name);
DebriefSeries    *debrief_run_get_train_loss      (DebriefRun     *self);
DebriefSeries    *debrief_run_get_val_loss        (DebriefRun     *self);

/* Non-fatal problems, each "file:line: what happened". */
void              debrief_run_add_warning         (DebriefRun     *self,
                                                   const char     *format,
                                                   ...) G_GNUC_PRINTF (2, 3);
const char *const *debrief_run_get_warnings       (DebriefRun     *self);

DebriefRunConfig *debrief_run_get_config          (DebriefRun     *self);

void              debrief_run_add_checkpoint      (DebriefRun     *self,
                                                   const DebriefCheckpoint *checkpoint);
guint             debrief_run_get_n_checkpoints   (DebriefRun     *self);
const DebriefCheckpoint *debrief_run_get_checkpoint (DebriefRun   *self,
                                                   guint           i);
/* The checkpoint with the lowest validation loss, else the final one, else the last; NULL if none. */
const DebriefCheckpoint *debrief_run_get_best_checkpoint (DebriefRun *self);

/* One value of the run's configuration as its files wrote it (a sweep lines
 * these up across runs). Keys are as written, nested ones joined with "."
 * ("dataset_builder.common_config.batch_size"); lists of scalars are one
 * value, joined with ", ". */
struct _DebriefRunParam
{
  char *key;
  char *text;             /* the value as text: "0.003", "true", "q_proj, v_proj" */
  double number;          /* the value when it is a number (also a number written as a string), else NAN */
  char *source;           /* the file it came from */
};

/* Records a configuration value; the first value for a key wins (readers read
 * the most specific file first). Returns FALSE when @key was already set. */
gboolean          debrief_run_set_param           (DebriefRun     *self,
                                                   const char     *key,
                                                   const char     *text,
                                                   double          number,
                                                   const char     *source);
guint             debrief_run_get_n_params        (DebriefRun     *self);
const DebriefRunParam *debrief_run_get_param      (DebriefRun     *self,
                                                   guint           i);
/* The value of @key, or NULL. */
const DebriefRunParam *debrief_run_lookup_param   (DebriefRun     *self,
                                                   const char     *key);

/* The latest analysis of this run, or NULL.
 * Set on the main thread only; widgets watch notify::analysis. */
DebriefAnalysis  *debrief_run_get_analysis        (DebriefRun     *self);
void              debrief_run_set_analysis        (DebriefRun     *self,
                                                   DebriefAnalysis *analysis);

/* The kind of run and the evidence that decided it ("adapter_config.json: peft_type LORA"),
 * set by the loader's detection; UNKNOWN and NULL until then. */
DebriefMethod     debrief_run_get_method          (DebriefRun     *self);
const char       *debrief_run_get_method_evidence (DebriefRun     *self);
void              debrief_run_set_method          (DebriefRun     *self,
                                                   DebriefMethod   method,
                                                   const char     *evidence);
DebriefAdapter    debrief_run_get_adapter         (DebriefRun     *self);
const char       *debrief_run_get_adapter_evidence (DebriefRun    *self);
void              debrief_run_set_adapter         (DebriefRun     *self,
                                                   DebriefAdapter  adapter,
                                                   const char     *evidence);
/* The key under the run's series of what is shown first, decided by the kind
 * (RL: mean reward; DPO, SFT: the training loss); NULL when nothing was logged. */
const char       *debrief_run_get_primary_metric  (DebriefRun     *self);
void              debrief_run_set_primary_metric  (DebriefRun     *self,
                                                   const char     *series_name);

/* Whether the adapter is a LoRA of any flavour (LoRA advice applies). */
gboolean          debrief_adapter_is_lora         (DebriefAdapter  adapter);

/* Total number of points over all series (for the UI's "n points"). */
gsize             debrief_run_get_n_points        (DebriefRun     *self);

void              debrief_run_config_clear        (DebriefRunConfig *config);
void              debrief_run_config_init         (DebriefRunConfig *config);
/* A deep copy: @dest owns its strings (clear it with debrief_run_config_clear). */
void              debrief_run_config_copy         (DebriefRunConfig       *dest,
                                                   const DebriefRunConfig *src);
void              debrief_checkpoint_clear        (DebriefCheckpoint *checkpoint);

G_END_DECLS
