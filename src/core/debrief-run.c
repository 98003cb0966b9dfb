/* debrief-run.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis.h"
#include "debrief-run.h"
#include "debrief-run-progress.h"

struct _DebriefRun
{
  GObject parent_instance;

  GFile *folder;
  char *path;
  char *name;
  char *format;
  char *group;
  char *crash;

  GPtrArray *source_files;  /* char*, NULL-terminated */
  GPtrArray *series;        /* DebriefSeries */
  GPtrArray *warnings;      /* char*, NULL-terminated */
  GArray *checkpoints;      /* DebriefCheckpoint */
  GArray *params;           /* DebriefRunParam, in the order first set */

  DebriefRunConfig config;
  DebriefMethod method;
  char *method_evidence;
  DebriefAdapter adapter;
  char *adapter_evidence;
  char *primary_metric;
  DebriefAnalysis *analysis;
  DebriefRunProgress progress;
};

enum {
  PROP_0,
  PROP_FOLDER,
  PROP_NAME,
  PROP_FORMAT,
  PROP_ANALYSIS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefRun, debrief_run, G_TYPE_OBJECT)

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static gboolean
replace_str (char       **slot,
             const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

void
debrief_run_config_init (DebriefRunConfig *config)
{
  memset (config, 0, sizeof *config);
  config->lora_alpha = NAN;
  config->learning_rate = NAN;
  config->num_epochs = NAN;
  config->total_flos = NAN;
  config->epochs_done = NAN;
  config->train_attn = DEBRIEF_TRISTATE_UNKNOWN;
  config->train_mlp = DEBRIEF_TRISTATE_UNKNOWN;
  config->train_unembed = DEBRIEF_TRISTATE_UNKNOWN;
  config->use_rslora = DEBRIEF_TRISTATE_UNKNOWN;
  config->use_dora = DEBRIEF_TRISTATE_UNKNOWN;
}

void
debrief_run_config_clear (DebriefRunConfig *config)
{
  g_clear_pointer (&config->target_modules, g_strfreev);
  g_clear_pointer (&config->base_model, g_free);
  g_clear_pointer (&config->dims_source, g_free);
  g_clear_pointer (&config->dataset_tokens_source, g_free);
  g_clear_pointer (&config->lr_schedule, g_free);
  g_clear_pointer (&config->peft_type, g_free);
  g_clear_pointer (&config->peft_type_source, g_free);
  g_clear_pointer (&config->stage, g_free);
  g_clear_pointer (&config->stage_source, g_free);
  g_clear_pointer (&config->finetuning_type, g_free);
  g_clear_pointer (&config->finetuning_type_source, g_free);
  g_clear_pointer (&config->quantization_source, g_free);
  g_clear_pointer (&config->total_flos_source, g_free);
  g_clear_pointer (&config->rl_episodes_source, g_free);
  g_clear_pointer (&config->full_model_config_source, g_free);
  g_clear_pointer (&config->prefix_length_source, g_free);
}

void
debrief_run_config_copy (DebriefRunConfig       *dest,
                         const DebriefRunConfig *src)
{
  *dest = *src;
  dest->target_modules = g_strdupv (src->target_modules);
  dest->base_model = g_strdup (src->base_model);
  dest->dims_source = g_strdup (src->dims_source);
  dest->dataset_tokens_source = g_strdup (src->dataset_tokens_source);
  dest->lr_schedule = g_strdup (src->lr_schedule);
  dest->peft_type = g_strdup (src->peft_type);
  dest->peft_type_source = g_strdup (src->peft_type_source);
  dest->stage = g_strdup (src->stage);
  dest->stage_source = g_strdup (src->stage_source);
  dest->finetuning_type = g_strdup (src->finetuning_type);
  dest->finetuning_type_source = g_strdup (src->finetuning_type_source);
  dest->quantization_source = g_strdup (src->quantization_source);
  dest->total_flos_source = g_strdup (src->total_flos_source);
  dest->rl_episodes_source = g_strdup (src->rl_episodes_source);
  dest->full_model_config_source = g_strdup (src->full_model_config_source);
  dest->prefix_length_source = g_strdup (src->prefix_length_source);
}

void
debrief_checkpoint_clear (DebriefCheckpoint *checkpoint)
{
  g_clear_pointer (&checkpoint->name, g_free);
  g_clear_pointer (&checkpoint->path, g_free);
  g_clear_pointer (&checkpoint->sampler_path, g_free);
}

static void
debrief_run_dispose (GObject *object)
{
  DebriefRun *self = (DebriefRun *)object;

  g_clear_object (&self->folder);
  g_clear_object (&self->analysis);
  if (self->series)
    g_ptr_array_set_size (self->series, 0);

  G_OBJECT_CLASS (debrief_run_parent_class)->dispose (object);
}

static void
debrief_run_finalize (GObject *object)
{
  DebriefRun *self = (DebriefRun *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->format, g_free);
  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->crash, g_free);
  g_clear_pointer (&self->source_files, g_ptr_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->checkpoints, g_array_unref);
  g_clear_pointer (&self->params, g_array_unref);
  debrief_run_config_clear (&self->config);
  debrief_run_progress_clear (&self->progress);
  g_clear_pointer (&self->method_evidence, g_free);
  g_clear_pointer (&self->adapter_evidence, g_free);
  g_clear_pointer (&self->primary_metric, g_free);

  G_OBJECT_CLASS (debrief_run_parent_class)->finalize (object);
}

static void
debrief_run_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DebriefRun *self = DEBRIEF_RUN (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      g_value_set_object (value, self->folder);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_FORMAT:
      g_value_set_string (value, self->format);
      break;
    case PROP_ANALYSIS:
      g_value_set_object (value, self->analysis);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_run_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DebriefRun *self = DEBRIEF_RUN (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      self->folder = g_value_dup_object (value);
      break;
    case PROP_NAME:
      debrief_run_set_name (self, g_value_get_string (value));
      break;
    case PROP_FORMAT:
      debrief_run_set_format (self, g_value_get_string (value));
      break;
    case PROP_ANALYSIS:
      debrief_run_set_analysis (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_run_constructed (GObject *object)
{
  DebriefRun *self = DEBRIEF_RUN (object);

  G_OBJECT_CLASS (debrief_run_parent_class)->constructed (object);

  if (self->folder != NULL)
    {
      self->path = g_file_get_path (self->folder);
      if (self->path == NULL)
        self->path = g_file_get_uri (self->folder);
      if (self->name == NULL)
        self->name = g_file_get_basename (self->folder);
    }
}

static void
debrief_run_class_init (DebriefRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_run_dispose;
  object_class->finalize = debrief_run_finalize;
  object_class->get_property = debrief_run_get_property;
  object_class->set_property = debrief_run_set_property;
  object_class->constructed = debrief_run_constructed;

  properties[PROP_FOLDER] =
    g_param_spec_object ("folder", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORMAT] =
    g_param_spec_string ("format", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ANALYSIS] =
    g_param_spec_object ("analysis", NULL, NULL, DEBRIEF_TYPE_ANALYSIS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_run_init (DebriefRun *self)
{
  self->source_files = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->series = g_ptr_array_new_with_free_func (g_object_unref);
  self->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->checkpoints = g_array_new (FALSE, TRUE, sizeof (DebriefCheckpoint));
  g_array_set_clear_func (self->checkpoints, (GDestroyNotify) debrief_checkpoint_clear);
  debrief_run_config_init (&self->config);
  debrief_run_progress_init (&self->progress);
}

DebriefRun *
debrief_run_new (GFile *folder)
{
  g_return_val_if_fail (G_IS_FILE (folder), NULL);
  return g_object_new (DEBRIEF_TYPE_RUN, "folder", folder, NULL);
}

GFile *
debrief_run_get_folder (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->folder;
}

const char *
debrief_run_get_path (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->path;
}

const char *
debrief_run_get_name (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->name;
}

void
debrief_run_set_name (DebriefRun *self,
                      const char *name)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  if (replace_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
debrief_run_get_group (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->group;
}

void
debrief_run_set_group (DebriefRun *self,
                       const char *group)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  replace_str (&self->group, group);
}

DebriefRunProgress *
debrief_run_get_progress (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return &self->progress;
}

const char *
debrief_run_get_crash (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->crash;
}

void
debrief_run_set_crash (DebriefRun *self,
                       const char *crash)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  replace_str (&self->crash, crash);
}

const char *
debrief_run_get_format (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->format;
}

void
debrief_run_set_format (DebriefRun *self,
                        const char *format)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  if (replace_str (&self->format, format))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
}

void
debrief_run_add_source_file (DebriefRun *self,
                             const char *relative_path)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  g_return_if_fail (relative_path != NULL);

  for (guint i = 0; i < self->source_files->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->source_files, i), relative_path) == 0)
      return;
  g_ptr_array_add (self->source_files, g_strdup (relative_path));
}

const char *const *
debrief_run_get_source_files (DebriefRun *self)
{
  static const char *const empty[] = { NULL };

  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->source_files->pdata ? (const char *const *) self->source_files->pdata : empty;
}

void
debrief_run_add_series (DebriefRun    *self,
                        DebriefSeries *series)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  g_return_if_fail (DEBRIEF_IS_SERIES (series));
  g_ptr_array_add (self->series, g_object_ref (series));
}

GPtrArray *
debrief_run_get_series (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->series;
}

DebriefSeries *
debrief_run_get_series_by_kind (DebriefRun        *self,
                                DebriefSeriesKind  kind)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      DebriefSeries *series = g_ptr_array_index (self->series, i);
      if (debrief_series_get_kind (series) == kind)
        return series;
    }
  return NULL;
}

DebriefSeries *
debrief_run_get_series_by_name (DebriefRun *self,
                                const char *name)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      DebriefSeries *series = g_ptr_array_index (self->series, i);
      if (g_strcmp0 (debrief_series_get_name (series), name) == 0)
        return series;
    }
  return NULL;
}

DebriefSeries *
debrief_run_get_train_loss (DebriefRun *self)
{
  return debrief_run_get_series_by_kind (self, DEBRIEF_SERIES_TRAIN_LOSS);
}

DebriefSeries *
debrief_run_get_val_loss (DebriefRun *self)
{
  return debrief_run_get_series_by_kind (self, DEBRIEF_SERIES_VAL_LOSS);
}

void
debrief_run_add_warning (DebriefRun *self,
                         const char *format,
                         ...)
{
  va_list args;

  g_return_if_fail (DEBRIEF_IS_RUN (self));

  va_start (args, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

const char *const *
debrief_run_get_warnings (DebriefRun *self)
{
  static const char *const empty[] = { NULL };

  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  /* A null-terminated GPtrArray created with size 0 has no pdata until the first add. */
  return self->warnings->pdata ? (const char *const *) self->warnings->pdata : empty;
}

DebriefRunConfig *
debrief_run_get_config (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return &self->config;
}

void
debrief_run_add_checkpoint (DebriefRun              *self,
                            const DebriefCheckpoint *checkpoint)
{
  DebriefCheckpoint copy;

  g_return_if_fail (DEBRIEF_IS_RUN (self));
  g_return_if_fail (checkpoint != NULL);

  copy = *checkpoint;
  copy.name = g_strdup (checkpoint->name);
  copy.path = g_strdup (checkpoint->path);
  copy.sampler_path = g_strdup (checkpoint->sampler_path);
  g_array_append_val (self->checkpoints, copy);
}

guint
debrief_run_get_n_checkpoints (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), 0);
  return self->checkpoints->len;
}

const DebriefCheckpoint *
debrief_run_get_checkpoint (DebriefRun *self,
                            guint       i)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  g_return_val_if_fail (i < self->checkpoints->len, NULL);
  return &g_array_index (self->checkpoints, DebriefCheckpoint, i);
}

const DebriefCheckpoint *
debrief_run_get_best_checkpoint (DebriefRun *self)
{
  const DebriefCheckpoint *best = NULL;
  const DebriefCheckpoint *final = NULL;

  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);

  if (self->checkpoints->len == 0)
    return NULL;

  for (guint i = 0; i < self->checkpoints->len; i++)
    {
      const DebriefCheckpoint *c = &g_array_index (self->checkpoints, DebriefCheckpoint, i);

      if (c->is_best)
        return c;
      if (c->is_final)
        final = c;
      if (!isnan (c->val_loss) && (best == NULL || c->val_loss < best->val_loss))
        best = c;
    }
  if (best != NULL)
    return best;
  if (final != NULL)
    return final;
  return &g_array_index (self->checkpoints, DebriefCheckpoint, self->checkpoints->len - 1);
}

static void
run_param_clear (DebriefRunParam *param)
{
  g_clear_pointer (&param->key, g_free);
  g_clear_pointer (&param->text, g_free);
  g_clear_pointer (&param->source, g_free);
}

gboolean
debrief_run_set_param (DebriefRun *self,
                       const char *key,
                       const char *text,
                       double      number,
                       const char *source)
{
  DebriefRunParam param = { 0 };

  g_return_val_if_fail (DEBRIEF_IS_RUN (self), FALSE);
  g_return_val_if_fail (key != NULL && text != NULL, FALSE);

  if (debrief_run_lookup_param (self, key) != NULL)
    return FALSE;
  if (self->params == NULL)
    {
      self->params = g_array_new (FALSE, TRUE, sizeof (DebriefRunParam));
      g_array_set_clear_func (self->params, (GDestroyNotify) run_param_clear);
    }
  param.key = g_strdup (key);
  param.text = g_strdup (text);
  param.number = number;
  param.source = g_strdup (source);
  g_array_append_val (self->params, param);
  return TRUE;
}

guint
debrief_run_get_n_params (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), 0);

  return self->params ? self->params->len : 0;
}

const DebriefRunParam *
debrief_run_get_param (DebriefRun *self,
                       guint       i)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  g_return_val_if_fail (self->params != NULL && i < self->params->len, NULL);

  return &g_array_index (self->params, DebriefRunParam, i);
}

const DebriefRunParam *
debrief_run_lookup_param (DebriefRun *self,
                          const char *key)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);

  /* A run has tens of parameters: a scan is cheaper than a table per run. */
  for (guint i = 0; self->params != NULL && i < self->params->len; i++)
    {
      DebriefRunParam *param = &g_array_index (self->params, DebriefRunParam, i);
      if (strcmp (param->key, key) == 0)
        return param;
    }
  return NULL;
}

DebriefAnalysis *
debrief_run_get_analysis (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->analysis;
}

void
debrief_run_set_analysis (DebriefRun      *self,
                          DebriefAnalysis *analysis)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));
  g_return_if_fail (analysis == NULL || DEBRIEF_IS_ANALYSIS (analysis));

  if (g_set_object (&self->analysis, analysis))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANALYSIS]);
}

gsize
debrief_run_get_n_points (DebriefRun *self)
{
  gsize n = 0;

  g_return_val_if_fail (DEBRIEF_IS_RUN (self), 0);

  for (guint i = 0; i < self->series->len; i++)
    n += debrief_series_get_length (g_ptr_array_index (self->series, i));
  return n;
}

const char *
debrief_method_to_label (DebriefMethod method)
{
  switch (method)
    {
    case DEBRIEF_METHOD_SFT:
      return _("Supervised fine-tuning");
    case DEBRIEF_METHOD_CPT:
      return _("Continued pre-training");
    case DEBRIEF_METHOD_PRETRAIN:
      return _("Pre-training");
    case DEBRIEF_METHOD_DPO:
      return _("Preference training");
    case DEBRIEF_METHOD_RL:
      return _("Reinforcement learning");
    case DEBRIEF_METHOD_REWARD_MODEL:
      return _("Reward model");
    case DEBRIEF_METHOD_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
debrief_adapter_to_label (DebriefAdapter adapter)
{
  switch (adapter)
    {
    case DEBRIEF_ADAPTER_LORA:
      return _("LoRA");
    case DEBRIEF_ADAPTER_QLORA:
      return _("QLoRA");
    case DEBRIEF_ADAPTER_DORA:
      return _("DoRA");
    case DEBRIEF_ADAPTER_NONE:
      return _("full fine-tune");
    case DEBRIEF_ADAPTER_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
debrief_method_to_string (DebriefMethod method)
{
  switch (method)
    {
    case DEBRIEF_METHOD_SFT:
      return "sft";
    case DEBRIEF_METHOD_CPT:
      return "cpt";
    case DEBRIEF_METHOD_PRETRAIN:
      return "pretrain";
    case DEBRIEF_METHOD_DPO:
      return "dpo";
    case DEBRIEF_METHOD_RL:
      return "rl";
    case DEBRIEF_METHOD_REWARD_MODEL:
      return "reward_model";
    case DEBRIEF_METHOD_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
debrief_adapter_to_string (DebriefAdapter adapter)
{
  switch (adapter)
    {
    case DEBRIEF_ADAPTER_LORA:
      return "lora";
    case DEBRIEF_ADAPTER_QLORA:
      return "qlora";
    case DEBRIEF_ADAPTER_DORA:
      return "dora";
    case DEBRIEF_ADAPTER_NONE:
      return "none";
    case DEBRIEF_ADAPTER_UNKNOWN:
    default:
      return "unknown";
    }
}

gboolean
debrief_adapter_is_lora (DebriefAdapter adapter)
{
  return adapter == DEBRIEF_ADAPTER_LORA || adapter == DEBRIEF_ADAPTER_QLORA
         || adapter == DEBRIEF_ADAPTER_DORA;
}

DebriefMethod
debrief_run_get_method (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), DEBRIEF_METHOD_UNKNOWN);
  return self->method;
}

const char *
debrief_run_get_method_evidence (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->method_evidence;
}

void
debrief_run_set_method (DebriefRun    *self,
                        DebriefMethod  method,
                        const char    *evidence)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));

  self->method = method;
  g_free (self->method_evidence);
  self->method_evidence = g_strdup (evidence);
}

DebriefAdapter
debrief_run_get_adapter (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), DEBRIEF_ADAPTER_UNKNOWN);
  return self->adapter;
}

const char *
debrief_run_get_adapter_evidence (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);
  return self->adapter_evidence;
}

void
debrief_run_set_adapter (DebriefRun     *self,
                         DebriefAdapter  adapter,
                         const char     *evidence)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));

  self->adapter = adapter;
  g_free (self->adapter_evidence);
  self->adapter_evidence = g_strdup (evidence);
}

const char *
debrief_run_get_primary_metric (DebriefRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN (self), NULL);

  return self->primary_metric;
}

void
debrief_run_set_primary_metric (DebriefRun *self,
                                const char *series_name)
{
  g_return_if_fail (DEBRIEF_IS_RUN (self));

  g_free (self->primary_metric);
  self->primary_metric = g_strdup (series_name);
}
