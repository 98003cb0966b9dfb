/* debrief-analysis.c: the DebriefAnalysis object and the order of the checks
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file copies what the checks need off the run (so a run may be edited
 * while a worker thread analyses it), runs the families of checks in order and
 * sorts their findings. The checks themselves live around the shared context
 * of debrief-analysis-private.h:
 *   debrief-analysis-curve.c       the smoothed summary of a loss curve
 *   debrief-analysis-advice.c      learning-rate rules, checkpoints, numbers in fixes
 *   debrief-analysis-loss.c        checks on the train loss curve
 *   debrief-analysis-validation.c  checks on the validation loss
 *   debrief-analysis-capacity.c    the capacity check, plateau and LoRA targets
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"
#include "debrief-run-progress.h"

/* ---- the object ---------------------------------------------------------- */

enum {
  PROP_0,
  PROP_FINDINGS,
  PROP_CONVERGENCE_PERCENT,
  PROP_SEED_OVERFITTING_WARNING,
  PROP_BEST_STEP,
  PROP_BEST_VAL_LOSS,
  PROP_VERDICT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefAnalysis, debrief_analysis, G_TYPE_OBJECT)

static void
debrief_analysis_dispose (GObject *object)
{
  DebriefAnalysis *self = (DebriefAnalysis *)object;

  g_clear_object (&self->findings);
  g_clear_pointer (&self->judged, g_ptr_array_unref);
  G_OBJECT_CLASS (debrief_analysis_parent_class)->dispose (object);
}

static void
debrief_analysis_finalize (GObject *object)
{
  DebriefAnalysis *self = (DebriefAnalysis *)object;

  g_clear_pointer (&self->capacity, debrief_capacity_result_free);
  g_clear_pointer (&self->verdict, g_free);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->judged_labels, g_ptr_array_unref);
  G_OBJECT_CLASS (debrief_analysis_parent_class)->finalize (object);
}

static void
debrief_analysis_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DebriefAnalysis *self = DEBRIEF_ANALYSIS (object);

  switch (prop_id)
    {
    case PROP_FINDINGS:
      g_value_set_object (value, self->findings);
      break;
    case PROP_CONVERGENCE_PERCENT:
      g_value_set_double (value, self->convergence_percent);
      break;
    case PROP_SEED_OVERFITTING_WARNING:
      g_value_set_boolean (value, self->seed_overfitting_warning);
      break;
    case PROP_BEST_STEP:
      g_value_set_int64 (value, self->best_step);
      break;
    case PROP_BEST_VAL_LOSS:
      g_value_set_double (value, self->best_val_loss);
      break;
    case PROP_VERDICT:
      g_value_set_string (value, self->verdict);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_analysis_class_init (DebriefAnalysisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = debrief_analysis_dispose;
  object_class->finalize = debrief_analysis_finalize;
  object_class->get_property = debrief_analysis_get_property;

  properties[PROP_FINDINGS] = g_param_spec_object ("findings", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_CONVERGENCE_PERCENT] =
    g_param_spec_double ("convergence-percent", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_SEED_OVERFITTING_WARNING] =
    g_param_spec_boolean ("seed-overfitting-warning", NULL, NULL, FALSE, flags);
  properties[PROP_BEST_STEP] = g_param_spec_int64 ("best-step", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_BEST_VAL_LOSS] =
    g_param_spec_double ("best-val-loss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_VERDICT] = g_param_spec_string ("verdict", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_analysis_init (DebriefAnalysis *self)
{
  self->findings = g_list_store_new (DEBRIEF_TYPE_FINDING);
  self->convergence_percent = NAN;
  self->best_step = -1;
  self->best_val_loss = NAN;
  self->noise_sigma = NAN;
  self->rule_of_thumb_lr = NAN;
  self->learning_rate = NAN;
  self->run_verdict = DEBRIEF_RUN_VERDICT_NO_DATA;
  self->judged = g_ptr_array_new_with_free_func (g_object_unref);
  self->judged_labels = g_ptr_array_new ();
  self->notes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->notes, NULL);
}

void
_debrief_analysis_add_note (DebriefAnalysis *self,
                            char            *note)
{
  g_ptr_array_insert (self->notes, self->notes->len - 1, note);
}

DebriefFinding *
_debrief_analysis_add_finding (DebriefAnalysisContext *ctx,
                               const char             *id,
                               DebriefSeverity         severity,
                               const char             *title,
                               const char             *evidence,
                               const char             *cause,
                               const char             *fix,
                               gint64                  step)
{
  g_autoptr(DebriefFinding) f = debrief_finding_new (id, severity, title, evidence, cause, fix, step);

  g_list_store_append (ctx->self->findings, f);
  return f;   /* the store holds a reference */
}

void
_debrief_analysis_judged (DebriefAnalysisContext *ctx,
                          const char             *label,
                          DebriefSeries          *series)
{
  if (series == NULL)
    return;
  for (guint i = 0; i < ctx->self->judged->len; i++)
    if (g_ptr_array_index (ctx->self->judged, i) == series)
      return;
  g_ptr_array_add (ctx->self->judged, g_object_ref (series));
  g_ptr_array_add (ctx->self->judged_labels, (gpointer) label);
}

/* ---- inputs copied off the run ------------------------------------------- */

static void
inputs_free (DebriefAnalysisInputs *in)
{
  g_free (in->run_name);
  g_free (in->format);
  debrief_run_config_clear (&in->config);
  g_clear_pointer (&in->series, g_ptr_array_unref);
  g_clear_object (&in->train);
  g_clear_object (&in->val);
  g_clear_object (&in->lr);
  g_clear_object (&in->epoch);
  g_clear_object (&in->tokens);
  g_clear_object (&in->grad_norm);
  g_free (in->crash);
  g_clear_pointer (&in->checkpoint_steps, g_array_unref);
  g_clear_pointer (&in->checkpoint_names, g_ptr_array_unref);
  g_free (in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefAnalysisInputs, inputs_free)

static DebriefSeries *
ref_series (DebriefRun        *run,
            DebriefSeriesKind  kind)
{
  DebriefSeries *s = debrief_run_get_series_by_kind (run, kind);
  return s ? g_object_ref (s) : NULL;
}

static DebriefAnalysisInputs *
inputs_new (DebriefRun *run)
{
  DebriefAnalysisInputs *in = g_new0 (DebriefAnalysisInputs, 1);
  const DebriefRunConfig *c = debrief_run_get_config (run);

  in->run_name = g_strdup (debrief_run_get_name (run));
  debrief_run_config_copy (&in->config, c);
  in->format = g_strdup (debrief_run_get_format (run));
  in->method = debrief_run_get_method (run);
  in->adapter = debrief_run_get_adapter (run);
  in->series = g_ptr_array_new_with_free_func (g_object_unref);
  in->last_step = -1;
  for (guint i = 0; i < debrief_run_get_series (run)->len; i++)
    {
      DebriefSeries *s = g_ptr_array_index (debrief_run_get_series (run), i);

      g_ptr_array_add (in->series, g_object_ref (s));
      if (debrief_series_get_length (s) > 0)
        in->last_step = MAX (in->last_step, debrief_series_get_last_step (s));
    }
  in->train = debrief_run_get_train_loss (run) ? g_object_ref (debrief_run_get_train_loss (run)) : NULL;
  in->val = debrief_run_get_val_loss (run) ? g_object_ref (debrief_run_get_val_loss (run)) : NULL;
  in->lr = ref_series (run, DEBRIEF_SERIES_LEARNING_RATE);
  in->epoch = ref_series (run, DEBRIEF_SERIES_EPOCH);
  in->tokens = ref_series (run, DEBRIEF_SERIES_TOKENS);
  in->grad_norm = ref_series (run, DEBRIEF_SERIES_GRAD_NORM);
  in->crash = g_strdup (debrief_run_get_crash (run));
  {
    DebriefRunProgress *progress = debrief_run_get_progress (run);

    in->progress = debrief_run_progress_done_fraction (progress);
    in->finished_by_files = progress->finished_by != NULL;
  }
  in->checkpoint_steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  in->checkpoint_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    {
      const DebriefCheckpoint *cp = debrief_run_get_checkpoint (run, i);
      if (cp->step < 0)
        continue;
      g_array_append_val (in->checkpoint_steps, cp->step);
      g_ptr_array_add (in->checkpoint_names, g_strdup (cp->name));
    }
  return in;
}

/* ---- running the checks -------------------------------------------------- */

static int
compare_findings (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  DebriefFinding *fa = (DebriefFinding *) a;
  DebriefFinding *fb = (DebriefFinding *) b;

  return (int) debrief_finding_get_severity (fb) - (int) debrief_finding_get_severity (fa);
}

/* Points the verdict needs before "nothing found" means "healthy": the shape checks
 * need CURVE_MIN_POINTS; below that a clean result only says the run was short —
 * unless the run reached its planned end (FINISHED_MIN_POINTS): it will log no more,
 * and its evaluations and trend over the whole run are the answer. */
#define VERDICT_MIN_POINTS CURVE_MIN_POINTS

/* Whether the learning rate was still warming up at the last logged step: it rose
 * over the last three logged values and ends at its maximum, more than 1.5× its
 * first value. A run stopped there was never trained at its real rate: too early
 * to judge. (A configured learning rate cannot confirm it: readers fill the config
 * from the logged maximum when nothing else says.) */
static gboolean
still_warming_up (DebriefAnalysisInputs *in,
                  double                *last_lr)
{
  DebriefSeries *lr = in->lr;
  gsize n = lr ? debrief_series_get_length (lr) : 0;
  double last;

  *last_lr = NAN;
  if (n < 3 || debrief_series_get_n_nonfinite (lr) > 0)
    return FALSE;
  last = debrief_series_get_value (lr, n - 1);
  *last_lr = last;
  if (!(debrief_series_get_value (lr, n - 3) < debrief_series_get_value (lr, n - 2)
        && debrief_series_get_value (lr, n - 2) < last))
    return FALSE;
  return last >= debrief_series_get_max (lr) && last > 1.5 * debrief_series_get_value (lr, 0);
}

static void
make_verdict (DebriefAnalysisContext *ctx)
{
  DebriefAnalysis *self = ctx->self;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));
  guint counts[3] = { 0, 0, 0 };
  g_autoptr(DebriefFinding) first = NULL;
  gsize points = 0, min_points;
  double last_lr;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      counts[debrief_finding_get_severity (f)]++;
    }
  if (ctx->primary)
    points = debrief_series_get_length (ctx->primary) - debrief_series_get_n_nonfinite (ctx->primary);
  if (n > 0)
    first = g_list_model_get_item (G_LIST_MODEL (self->findings), 0);
  if (counts[DEBRIEF_SEVERITY_ERROR] > 0)
    {
      self->run_verdict = DEBRIEF_RUN_VERDICT_FAILED;
      self->verdict = g_strdup_printf (_("Failed: %s"), debrief_finding_get_title (first));
    }
  else if (counts[DEBRIEF_SEVERITY_WARNING] > 0)
    {
      self->run_verdict = DEBRIEF_RUN_VERDICT_ATTENTION;
      self->verdict = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Needs attention: %u warning (%s)",
                                                    "Needs attention: %u warnings (first: %s)",
                                                    counts[DEBRIEF_SEVERITY_WARNING]),
                                       counts[DEBRIEF_SEVERITY_WARNING], debrief_finding_get_title (first));
    }
  else if (ctx->primary == NULL)
    {
      self->run_verdict = DEBRIEF_RUN_VERDICT_NO_DATA;
      self->verdict = g_strdup (_("No data to judge: the run logged no loss or reward the checks read"));
    }
  else if (still_warming_up (ctx->in, &last_lr))
    {
      g_autofree char *lr = _debrief_format_lr (last_lr);

      self->run_verdict = DEBRIEF_RUN_VERDICT_TOO_SHORT;
      self->verdict = g_strdup_printf (_("Too early to judge: the learning rate was still warming up at the "
                                         "last logged step (%s and rising)"), lr);
    }
  else if (points < (min_points = _debrief_analysis_run_finished (ctx) ? FINISHED_MIN_POINTS
                                                                        : VERDICT_MIN_POINTS))
    {
      self->run_verdict = DEBRIEF_RUN_VERDICT_TOO_SHORT;
      /* Translators: the last %s is the logged key, e.g. "loss" or "reward" */
      self->verdict = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "Too few points to judge: %zu point of %s (at least %d "
                                                    "are needed)",
                                                    "Too few points to judge: %zu points of %s (at least %d "
                                                    "are needed)", points),
                                       points, debrief_series_get_source_key (ctx->primary)
                                               ? debrief_series_get_source_key (ctx->primary)
                                               : debrief_series_get_name (ctx->primary),
                                       (int) min_points);
    }
  else if (counts[DEBRIEF_SEVERITY_INFO] > 0)
    {
      self->run_verdict = DEBRIEF_RUN_VERDICT_HEALTHY;
      self->verdict = g_strdup (_("Looks healthy; some remarks below"));
    }
  else
    {
      self->run_verdict = DEBRIEF_RUN_VERDICT_HEALTHY;
      self->verdict = g_strdup (_("Looks healthy: no problems found"));
    }
}

static void
read_validation (DebriefAnalysisContext *ctx,
                 double                 *val_x,
                 double                 *val_y)
{
  DebriefSeries *val = ctx->in->val;
  gsize n = debrief_series_get_length (val);

  for (gsize i = 0; i < n; i++)
    {
      double v = debrief_series_get_value (val, i);
      if (!isfinite (v))
        continue;
      val_x[ctx->val_n] = (double) debrief_series_get_step (val, i);
      val_y[ctx->val_n] = v;
      if (ctx->val_n == 0 || v < ctx->val_min)
        {
          ctx->val_min = v;
          ctx->val_min_index = ctx->val_n;
        }
      ctx->val_n++;
    }
  ctx->val_x = val_x;
  ctx->val_y = val_y;
  if (ctx->val_n > 0)
    {
      ctx->self->best_step = (gint64) val_x[ctx->val_min_index];
      ctx->self->best_val_loss = ctx->val_min;
    }
}

/* The loss checks of FORMATS.md 3, as far as they make sense for the kind: all of
 * them for SFT and pre-training; for preference training the ones about the
 * optimisation itself (its loss starts at ln 2 and has no plateau to speak of). */
static void
run_loss_checks (DebriefAnalysisContext *ctx)
{
  gboolean preference = ctx->method == DEBRIEF_METHOD_DPO;

  _debrief_analysis_check_diverged (ctx);
  if (!preference)
    _debrief_analysis_check_no_improvement (ctx);
  _debrief_analysis_check_spikes (ctx);
  _debrief_analysis_check_instability (ctx);
  if (!preference)
    {
      _debrief_analysis_check_overfitting (ctx);
      _debrief_analysis_check_slow_convergence (ctx);
      _debrief_analysis_compute_plateau_shape (ctx);
    }
}

static DebriefAnalysis *
analyse (DebriefAnalysisInputs  *in,
         GCancellable           *cancellable,
         GError                **error)
{
  g_autoptr(DebriefAnalysis) self = g_object_new (DEBRIEF_TYPE_ANALYSIS, NULL);
  DebriefAnalysisContext ctx = { 0 };
  g_autofree double *val_x = NULL;
  g_autofree double *val_y = NULL;

  ctx.self = self;
  ctx.in = in;
  ctx.plateau_step = -1;
  ctx.lr = in->config.learning_rate;
  if (!(ctx.lr > 0) && in->lr && debrief_series_get_length (in->lr) > 0)
    ctx.lr = debrief_series_get_max (in->lr);
  if (!(ctx.lr > 0))
    ctx.lr = NAN;
  ctx.lr_rule = _debrief_analysis_rule_of_thumb_lr (in->config.base_model, in->config.dims.hidden_size);
  self->learning_rate = ctx.lr;
  self->rule_of_thumb_lr = ctx.lr_rule;
  _debrief_analysis_decide_kind (&ctx);

  if (ctx.loss_checks)
    _debrief_analysis_check_seed_numbers (&ctx);
  _debrief_curve_setup (&ctx.train, ctx.loss_checks ? in->train : NULL);
  _debrief_analysis_start_spike_scan (&ctx);
  _debrief_curve_summarise (&ctx.train);
  ctx.has_train = ctx.train.n >= LEVEL_MIN_POINTS;
  self->noise_sigma = ctx.train.sigma;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      _debrief_analysis_finish_spike_scan (&ctx);
      _debrief_curve_clear (&ctx.train);
      return NULL;
    }
  if (in->val && ctx.loss_checks)
    {
      gsize n = debrief_series_get_length (in->val);

      val_x = g_new (double, MAX (n, 1));
      val_y = g_new (double, MAX (n, 1));
      read_validation (&ctx, val_x, val_y);
    }

  if (!ctx.loss_checks)
    {
      if (in->train)
        _debrief_analysis_add_note (self, g_strdup (_("The loss of an RL run is a policy-gradient "
                                                      "surrogate, not a measure of progress: the run is "
                                                      "judged on its reward, KL and entropy instead.")));
    }
  else if (!ctx.has_train && ctx.val_n == 0)
    _debrief_analysis_add_note (self, g_strdup (_("No loss series: the loss-based checks do not apply.")));
  else if (ctx.has_train && ctx.train.n < CURVE_MIN_POINTS)
    _debrief_analysis_add_note (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                    "Only %zu train loss point: too few to judge "
                                                                    "the curve's shape.",
                                                                    "Only %zu train loss points: too few to judge "
                                                                    "the curve's shape.", ctx.train.n), ctx.train.n));

  if (ctx.adapter_unknown)
    _debrief_analysis_add_note (self, g_strdup (_("The run does not say whether it trained a LoRA adapter "
                                                  "or the whole model: the advice covers both, and the "
                                                  "LoRA checks (rank, targets, capacity) need the "
                                                  "adapter's config.")));
  _debrief_analysis_run_capacity (&ctx);
  if (self->capacity->assumptions)
    _debrief_analysis_add_note (self, g_strdup_printf (_("Capacity assumptions: %s."), self->capacity->assumptions));

  _debrief_analysis_check_broken (&ctx);
  if (!ctx.broken)
    {
      if (ctx.loss_checks)
        run_loss_checks (&ctx);
      if (ctx.method == DEBRIEF_METHOD_RL)
        _debrief_analysis_check_rl (&ctx);
      if (ctx.method == DEBRIEF_METHOD_DPO)
        _debrief_analysis_check_preference (&ctx);
    }
  /* LoRA advice only for runs whose files say LoRA (POSTTRAINING.md 4): rank, targets. */
  if (ctx.lora && !ctx.broken)
    {
      _debrief_analysis_check_early_plateau (&ctx);
      _debrief_analysis_check_undercapacity (&ctx);
      _debrief_analysis_check_targets (&ctx);
    }
  _debrief_analysis_finish_spike_scan (&ctx);
  _debrief_curve_clear (&ctx.train);

  if (ctx.primary == NULL)
    ctx.primary = in->train ? in->train : in->val;
  g_list_store_sort (self->findings, compare_findings, NULL);
  make_verdict (&ctx);
  return g_steal_pointer (&self);
}

/* ---- public -------------------------------------------------------------- */

DebriefAnalysis *
debrief_analysis_run (DebriefRun    *run,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(DebriefAnalysisInputs) in = NULL;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  in = inputs_new (run);
  return analyse (in, cancellable, error);
}

static void
analysis_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  DebriefAnalysis *analysis = analyse (task_data, cancellable, &error);

  if (analysis == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, analysis, g_object_unref);
}

void
debrief_analysis_run_async (DebriefRun          *run,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DEBRIEF_IS_RUN (run));

  task = g_task_new (run, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_analysis_run_async);
  /* The copy is made here, on the caller's thread: the run may change afterwards. */
  g_task_set_task_data (task, inputs_new (run), (GDestroyNotify) inputs_free);
  g_task_run_in_thread (task, analysis_thread);
}

DebriefAnalysis *
debrief_analysis_run_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == debrief_analysis_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
debrief_analysis_get_findings (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return G_LIST_MODEL (self->findings);
}

DebriefFinding *
debrief_analysis_get_finding (DebriefAnalysis *self,
                              const char      *id)
{
  guint n;

  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      if (g_strcmp0 (debrief_finding_get_id (f), id) == 0)
        return f;   /* the store keeps its reference */
    }
  return NULL;
}

gboolean
debrief_analysis_has_finding (DebriefAnalysis *self,
                              const char      *id)
{
  return debrief_analysis_get_finding (self, id) != NULL;
}

const DebriefCapacityResult *
debrief_analysis_get_capacity (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return self->capacity;
}

double
debrief_analysis_get_convergence_percent (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->convergence_percent;
}

gboolean
debrief_analysis_get_seed_overfitting_warning (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), FALSE);
  return self->seed_overfitting_warning;
}

gint64
debrief_analysis_get_best_step (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), -1);
  return self->best_step;
}

double
debrief_analysis_get_best_val_loss (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->best_val_loss;
}

double
debrief_analysis_get_noise_sigma (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->noise_sigma;
}

double
debrief_analysis_get_rule_of_thumb_lr (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->rule_of_thumb_lr;
}

double
debrief_analysis_get_learning_rate (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->learning_rate;
}

const char *
debrief_analysis_get_verdict (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return self->verdict;
}

const char *
debrief_analysis_describe_no_findings (DebriefAnalysis  *self,
                                       const char      **title)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);

  /* A clean result says what was looked at: an RL run is not judged on its
   * loss, and a run too short to judge is not called healthy. */
  switch (self->run_verdict)
    {
    case DEBRIEF_RUN_VERDICT_TOO_SHORT:
      if (title != NULL)
        *title = debrief_run_verdict_to_label (self->run_verdict);
      return _("No check found a problem, but the curves are too short to call the run healthy.");
    case DEBRIEF_RUN_VERDICT_NO_DATA:
      if (title != NULL)
        *title = debrief_run_verdict_to_label (self->run_verdict);
      return _("Nothing was checked: the run logged no loss or reward curve the checks read.");
    case DEBRIEF_RUN_VERDICT_HEALTHY:
    case DEBRIEF_RUN_VERDICT_ATTENTION:
    case DEBRIEF_RUN_VERDICT_FAILED:
    default:
      break;
    }
  if (title != NULL)
    *title = _("No problems found");
  switch (self->method)
    {
    case DEBRIEF_METHOD_RL:
      return _("None of the RL checks (reward, KL, entropy, response length, reward spread) found a "
               "problem in the curves the run logged.");
    case DEBRIEF_METHOD_DPO:
      return _("None of the preference checks (loss, reward margins, accuracies, log-probabilities of "
               "the chosen answers) found a problem in the curves the run logged.");
    case DEBRIEF_METHOD_REWARD_MODEL:
      return _("The loss and accuracy curves show none of the known failure modes.");
    case DEBRIEF_METHOD_UNKNOWN:
    case DEBRIEF_METHOD_SFT:
    case DEBRIEF_METHOD_CPT:
    case DEBRIEF_METHOD_PRETRAIN:
    default:
      return _("The loss curves show none of the known failure modes.");
    }
}

const char *
debrief_analysis_get_capacity_label (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return self->capacity_label ? self->capacity_label : _("Cannot check yet");
}

gboolean
debrief_analysis_get_capacity_applies (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), FALSE);
  return self->capacity_applies;
}

const char *const *
debrief_analysis_get_notes (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return (const char *const *) self->notes->pdata;
}

int
debrief_analysis_get_worst_severity (DebriefAnalysis *self)
{
  g_autoptr(DebriefFinding) first = NULL;

  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), -1);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->findings)) == 0)
    return -1;
  first = g_list_model_get_item (G_LIST_MODEL (self->findings), 0);
  return (int) debrief_finding_get_severity (first);
}

DebriefRunVerdict
debrief_analysis_get_run_verdict (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), DEBRIEF_RUN_VERDICT_NO_DATA);
  return self->run_verdict;
}

DebriefMethod
debrief_analysis_get_method (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), DEBRIEF_METHOD_UNKNOWN);
  return self->method;
}

gboolean
debrief_analysis_get_lora_advice (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), FALSE);
  return self->lora_advice;
}

const char *
debrief_run_verdict_to_string (DebriefRunVerdict verdict)
{
  switch (verdict)
    {
    case DEBRIEF_RUN_VERDICT_HEALTHY:
      return "healthy";
    case DEBRIEF_RUN_VERDICT_ATTENTION:
      return "attention";
    case DEBRIEF_RUN_VERDICT_FAILED:
      return "failed";
    case DEBRIEF_RUN_VERDICT_TOO_SHORT:
      return "too_short";
    case DEBRIEF_RUN_VERDICT_NO_DATA:
    default:
      return "no_data";
    }
}

const char *
debrief_run_verdict_to_label (DebriefRunVerdict verdict)
{
  switch (verdict)
    {
    case DEBRIEF_RUN_VERDICT_HEALTHY:
      return _("Healthy");
    case DEBRIEF_RUN_VERDICT_ATTENTION:
      return _("Needs attention");
    case DEBRIEF_RUN_VERDICT_FAILED:
      return _("Failed");
    case DEBRIEF_RUN_VERDICT_TOO_SHORT:
      return _("Too short to judge");
    case DEBRIEF_RUN_VERDICT_NO_DATA:
    default:
      return _("No data");
    }
}

guint
debrief_analysis_get_n_judged_series (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), 0);
  return self->judged->len;
}

DebriefSeries *
debrief_analysis_get_judged_series (DebriefAnalysis  *self,
                                    guint             i,
                                    const char      **label)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  g_return_val_if_fail (i < self->judged->len, NULL);

  if (label)
    *label = g_ptr_array_index (self->judged_labels, i);
  return g_ptr_array_index (self->judged, i);
}
