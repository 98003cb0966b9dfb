/* debrief-report.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-action.h"
#include "debrief-document.h"
#include "debrief-error.h"
#include "debrief-report.h"

#define MARKER_PREFIX "<!-- debrief:generated sha256="
#define MARKER_SUFFIX " (edits above this line are backed up when the report is regenerated; " \
                      "write under Notes) -->"

/* Numbers in the file are locale-independent so that the report diffs cleanly. */
static void
append_number (GString    *s,
               const char *format,
               double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (s, isnan (value) ? "—" : (value > 0 ? "Inf" : "-Inf"));
      return;
    }
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, format, value));
}

/* Table cells: no pipes, no line breaks. */
void
debrief_report_append_cell (GString    *s,
                            const char *text)
{
  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '|')
        g_string_append (s, "\\|");
      else if (*p == '\n' || *p == '\r')
        g_string_append_c (s, ' ');
      else
        g_string_append_c (s, *p);
    }
}

static void
append_series_column (GString       *s,
                      DebriefSeries *series,
                      int            row)
{
  g_string_append (s, " | ");
  if (series == NULL || debrief_series_get_length (series) == 0)
    {
      g_string_append (s, "—");
      return;
    }
  switch (row)
    {
    case 0:
      g_string_append_printf (s, "%" G_GSIZE_FORMAT, debrief_series_get_length (series));
      break;
    case 1:
      g_string_append_printf (s, "%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT,
                              debrief_series_get_first_step (series),
                              debrief_series_get_last_step (series));
      break;
    case 2:
      append_number (s, "%.4f", debrief_series_get_value (series, 0));
      break;
    case 3:
      append_number (s, "%.4f", debrief_series_get_last_value (series));
      break;
    case 4:
      append_number (s, "%.4f", debrief_series_get_min (series));
      if (isfinite (debrief_series_get_min (series)))
        g_string_append_printf (s, " @ %" G_GINT64_FORMAT,
                                debrief_series_get_step (series, debrief_series_get_min_index (series)));
      break;
    default:
      break;
    }
}

static void
append_lr_row (GString         *s,
               DebriefAnalysis *analysis)
{
  double lr = debrief_analysis_get_learning_rate (analysis);
  double rule = debrief_analysis_get_rule_of_thumb_lr (analysis);

  g_string_append_printf (s, "| %s | ", _("learning rate"));
  if (isfinite (lr))
    append_number (s, "%.3g", lr);
  else
    g_string_append (s, "—");
  /* The rule of thumb is LoRA's, for supervised fine-tuning: only where it applies. */
  if (isfinite (rule) && debrief_analysis_get_lora_advice (analysis)
      && debrief_analysis_get_method (analysis) != DEBRIEF_METHOD_RL
      && debrief_analysis_get_method (analysis) != DEBRIEF_METHOD_DPO)
    {
      g_string_append_printf (s, " (%s ", _("rule of thumb for this model:"));
      append_number (s, "%.2g", rule);
      g_string_append (s, ")");
    }
  g_string_append (s, " |\n");
}

static void
append_key_numbers (GString         *s,
                    DebriefRun      *run,
                    DebriefAnalysis *analysis)
{
  /* Translators: column headers of the report's "Key numbers" table: number of logged points,
   * step range, first value, last value, lowest value */
  static const char *const rows[] = { N_("points"), N_("steps"), N_("first"), N_("last"), N_("min") };
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);
  double conv = debrief_analysis_get_convergence_percent (analysis);
  gint64 best = debrief_analysis_get_best_step (analysis);

  g_string_append_printf (s, "## %s\n\n", _("Key numbers"));
  if (debrief_analysis_get_method (analysis) == DEBRIEF_METHOD_RL)
    {
      /* An RL loss is a policy-gradient surrogate: its numbers and the checklist's,
       * computed on it, would mislead. The reward table follows. */
      g_string_append (s, "| | |\n|---|---|\n");
      append_lr_row (s, analysis);
      g_string_append (s, "\n");
      return;
    }
  g_string_append_printf (s, "| | %s | %s |\n|---|---|---|\n", _("train loss"), _("validation loss"));
  for (int r = 0; r < (int) G_N_ELEMENTS (rows); r++)
    {
      g_string_append_printf (s, "| %s", _(rows[r]));
      append_series_column (s, train, r);
      append_series_column (s, val, r);
      g_string_append (s, " |\n");
    }
  g_string_append (s, "\n| | |\n|---|---|\n");
  g_string_append_printf (s, "| %s | ", _("best step (lowest validation loss)"));
  if (best >= 0)
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT " (", best);
      append_number (s, "%.4f", debrief_analysis_get_best_val_loss (analysis));
      g_string_append (s, ")");
    }
  else
    g_string_append (s, "—");
  g_string_append_printf (s, " |\n| %s | ", _("convergence (checklist: first 10 vs last 10 losses)"));
  if (isfinite (conv))
    {
      append_number (s, "%.1f", conv);
      g_string_append (s, "%");
    }
  else
    g_string_append (s, _("— (100 losses or fewer)"));
  g_string_append_printf (s, " |\n| %s | %s |\n", _("overfitting warning (checklist: last validation > middle)"),
                          debrief_analysis_get_seed_overfitting_warning (analysis) ? _("yes") : _("no"));
  g_string_append_printf (s, "| %s | ", _("train loss noise (robust sigma)"));
  append_number (s, "%.4f", debrief_analysis_get_noise_sigma (analysis));
  g_string_append (s, " |\n");
  append_lr_row (s, analysis);
  g_string_append (s, "\n");
}

/* The series the kind's own checks read (reward, KL, entropy; margins, accuracies). */
static void
append_judged_series (GString         *s,
                      DebriefAnalysis *analysis)
{
  guint n = debrief_analysis_get_n_judged_series (analysis);

  if (n == 0)
    return;
  g_string_append_printf (s, "## %s\n\n", debrief_analysis_get_method (analysis) == DEBRIEF_METHOD_RL
                                            ? _("Reward, KL and entropy")
                                            : _("Margins and accuracies"));
  /* Translators: column headers: what was logged, the key in the log, points, first, last, lowest, highest */
  g_string_append_printf (s, "| | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|\n",
                          _("key"), _("points"), _("first"), _("last"), _("min"), _("max"));
  for (guint i = 0; i < n; i++)
    {
      const char *label = NULL;
      DebriefSeries *series = debrief_analysis_get_judged_series (analysis, i, &label);
      const char *key = debrief_series_get_source_key (series) ? debrief_series_get_source_key (series)
                                                               : debrief_series_get_name (series);

      g_string_append (s, "| ");
      debrief_report_append_cell (s, label);
      g_string_append (s, " | `");
      debrief_report_append_cell (s, key);
      g_string_append (s, "`");
      /* Rewards, KLs of 1e-5 and log-probs of -200 side by side: significant digits. */
      g_string_append_printf (s, " | %" G_GSIZE_FORMAT " | ", debrief_series_get_length (series));
      append_number (s, "%.4g", debrief_series_get_value (series, 0));
      g_string_append (s, " | ");
      append_number (s, "%.4g", debrief_series_get_last_value (series));
      g_string_append (s, " | ");
      append_number (s, "%.4g", debrief_series_get_min (series));
      g_string_append (s, " | ");
      append_number (s, "%.4g", debrief_series_get_max (series));
      g_string_append (s, " |\n");
    }
  g_string_append (s, "\n");
}

static void
append_findings (GString         *s,
                 DebriefAnalysis *analysis)
{
  GListModel *findings = debrief_analysis_get_findings (analysis);
  guint n = g_list_model_get_n_items (findings);

  g_string_append_printf (s, "## %s\n\n", _("Findings"));
  if (n == 0)
    {
      const char *title = NULL;
      const char *text = debrief_analysis_describe_no_findings (analysis, &title);

      g_string_append_printf (s, "**%s** — %s\n\n", title, text);
      return;
    }
  g_string_append_printf (s, "| %s | %s | %s | %s |\n|---|---|---|---|\n",
                          _("symptom"), _("likely cause"), _("fix"), _("severity"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);
      g_string_append (s, "| ");
      debrief_report_append_cell (s, debrief_finding_get_title (f));
      g_string_append (s, " | ");
      debrief_report_append_cell (s, debrief_finding_get_cause (f));
      g_string_append (s, " | ");
      debrief_report_append_cell (s, debrief_finding_get_fix (f));
      g_string_append_printf (s, " | %s |\n", debrief_severity_to_string (debrief_finding_get_severity (f)));
    }
  g_string_append (s, "\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);
      g_autofree char *md = debrief_finding_to_markdown (f);
      g_string_append (s, md);
      g_string_append (s, "\n");
    }
}

static void
append_capacity (GString         *s,
                 DebriefRun      *run,
                 DebriefAnalysis *analysis)
{
  const DebriefCapacityResult *c = debrief_analysis_get_capacity (analysis);
  const DebriefRunConfig *config = debrief_run_get_config (run);

  g_string_append_printf (s, "## %s\n\n", _("Capacity"));
  /* The card's words, then the checklist's status. */
  g_string_append_printf (s, "**%s** (`%s`) — %s\n\n", debrief_analysis_get_capacity_label (analysis),
                          debrief_capacity_status_to_string (c->status), c->message);
  /* Where each input came from, so that a reader can check it. */
  if (config->base_model != NULL || config->dims_source != NULL)
    {
      g_string_append (s, "- ");
      /* Translators: the model's name, then where its shapes came from ("config.json", "built-in table: ...") */
      g_string_append_printf (s, _("model: %s (shapes from %s)"), config->base_model ? config->base_model : "?",
                              config->dims_source ? config->dims_source : _("nowhere: unknown"));
      g_string_append_c (s, '\n');
    }
  if (config->dataset_tokens > 0)
    {
      g_string_append (s, "- ");
      /* Translators: a number of tokens, then how it was obtained */
      g_string_append_printf (s, _("dataset tokens (one epoch): %" PRId64 " (%s)"), config->dataset_tokens,
                              config->dataset_tokens_source ? config->dataset_tokens_source : "?");
      g_string_append_c (s, '\n');
    }
  if (config->rl_episodes > 0 && debrief_run_get_method (run) == DEBRIEF_METHOD_RL)
    {
      g_string_append (s, "- ");
      /* Translators: a number of RL episodes, then how it was obtained */
      g_string_append_printf (s, _("episodes: %" PRId64 " (%s), about one bit each"), config->rl_episodes,
                              config->rl_episodes_source);
      g_string_append_c (s, '\n');
    }
  if (c->lora_params > 0)
    {
      g_autoptr(GString) bits = g_string_new (NULL);

      g_string_append (s, "- ");
      g_string_append_printf (s, _("LoRA parameters: %" PRId64 " (rank %" PRId64 "; per unit of rank: "
                                   "attention %" PRId64 ", MLP %" PRId64 ", unembedding %" PRId64 ")"),
                              c->lora_params, c->rank, c->attn_params_per_rank, c->mlp_params_per_rank,
                              c->unembed_params_per_rank);
      append_number (bits, "%.0f", c->capacity_bits);
      g_string_append (s, "\n- ");
      /* Translators: %s is a number of bits, printed with a decimal point whatever the locale */
      g_string_append_printf (s, _("capacity (2 bits per parameter): %s bits"), bits->str);
      g_string_append_c (s, '\n');
    }
  if (isfinite (c->required_bits))
    {
      g_autoptr(GString) bits = g_string_new (NULL);
      g_autoptr(GString) per_token = g_string_new (NULL);

      append_number (bits, "%.0f", c->required_bits);
      append_number (per_token, "%.2f", c->bits_per_token);
      g_string_append (s, "- ");
      if (c->per_episode)
        /* Translators: %s is a number of bits; an RL episode carries about one bit */
        g_string_append_printf (s, _("required: %s bits (1 bit per episode)"), bits->str);
      else
        /* Translators: both %s are numbers, printed with a decimal point whatever the locale */
        g_string_append_printf (s, _("required: %s bits (%s bits per token)"), bits->str, per_token->str);
      g_string_append_c (s, '\n');
    }
  if (isfinite (c->headroom_percent))
    {
      g_string_append_printf (s, "- %s: ", _("headroom"));
      append_number (s, "%.1f", c->headroom_percent);
      g_string_append (s, "%\n");
    }
  if (c->assumptions)
    g_string_append_printf (s, "- %s: %s\n", _("assumed"), c->assumptions);
  g_string_append (s, "\n");
}

/* A finding's first action of @type, or NULL. */
static const DebriefAction *
find_action (DebriefFinding    *f,
             DebriefActionType  type)
{
  for (guint i = 0; f && i < debrief_finding_get_n_actions (f); i++)
    if (debrief_finding_get_action (f, i)->type == type)
      return debrief_finding_get_action (f, i);
  return NULL;
}

static void
append_recommendations (GString         *s,
                        DebriefAnalysis *analysis,
                        const DebriefReportExtras *extras)
{
  GListModel *findings = debrief_analysis_get_findings (analysis);
  DebriefFinding *under = debrief_analysis_get_finding (analysis, DEBRIEF_FINDING_UNDERCAPACITY);
  DebriefFinding *overfit = debrief_analysis_get_finding (analysis, DEBRIEF_FINDING_OVERFITTING);
  const DebriefAction *stop;
  guint n = 0;

  if (overfit == NULL)
    overfit = debrief_analysis_get_finding (analysis, DEBRIEF_FINDING_DPO_OVERFIT);
  g_string_append_printf (s, "## %s\n\n", _("Recommendations"));
  /* The checklist's order: capacity, overfitting, data quality, samples vs metrics. */
  if (under)
    {
      const DebriefCapacityResult *c = debrief_analysis_get_capacity (analysis);

      g_string_append_printf (s, "%u. ", ++n);
      g_string_append_printf (s, _("Undercapacity: raise the LoRA rank %" PRId64 " → %" PRId64 " and re-run."),
                              c->rank, c->suggested_rank);
      g_string_append_c (s, '\n');
    }
  if (overfit && (stop = find_action (overfit, DEBRIEF_ACTION_STOP_AT_STEP)) != NULL)
    {
      g_autofree char *text = debrief_action_describe (stop);

      g_string_append_printf (s, "%u. ", ++n);
      /* Translators: %s is a sentence such as "Stop at step 40 (use checkpoint checkpoint-40)." */
      g_string_append_printf (s, _("Overfitting: %s"), text);
      g_string_append_c (s, '\n');
    }
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);

      if (f == overfit || f == under || g_str_equal (debrief_finding_get_id (f), DEBRIEF_FINDING_EARLY_PLATEAU)
          || debrief_finding_get_severity (f) == DEBRIEF_SEVERITY_INFO)
        continue;
      g_string_append_printf (s, "%u. %s: ", ++n, debrief_finding_get_title (f));
      g_string_append (s, debrief_finding_get_fix (f));
      g_string_append (s, "\n");
    }
  g_string_append_printf (s, "%u. %s\n", ++n,
                          _("If the samples are poor: review the data and its formatting (chat "
                            "template, truncation, labels on the right tokens)."));
  if (extras == NULL || extras->judge_markdown == NULL)
    g_string_append_printf (s, "%u. %s\n", ++n,
                            _("If the metrics are good but the samples are not: run the judge "
                              "(`debrief-cli judge`) to compare with the base model."));
  g_string_append (s, "\n");
}

static char *
checksum (const char *text,
          gsize       len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
}

char *
debrief_report_generate (DebriefRun                *run,
                         DebriefAnalysis           *analysis,
                         const DebriefReportExtras *extras)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date = NULL;
  const char *const *sources;
  const char *const *warnings;
  const char *const *notes;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (analysis), NULL);

  now = extras && extras->date ? g_date_time_ref (extras->date) : g_date_time_new_now_utc ();
  date = g_date_time_format (now, "%Y-%m-%d %H:%M %Z");

  g_string_append_printf (s, "# %s: %s\n\n", _("Debrief"), debrief_run_get_name (run));
  g_string_append_c (s, '_');
  /* Translators: the start of the report's italic byline; a list of log files and
   * ", Debrief VERSION." follow. The first %s is the date, the second the log format id. */
  g_string_append_printf (s, _("Analysed on %s, format `%s`"), date,
                          debrief_run_get_format (run) ? debrief_run_get_format (run) : "?");
  sources = debrief_run_get_source_files (run);
  if (sources && sources[0])
    {
      g_autofree char *list = g_strjoinv ("`, `", (char **) sources);
      g_string_append_printf (s, " (`%s`)", list);
    }
  g_string_append_printf (s, ", Debrief %s._\n\n", PACKAGE_VERSION);
  if (extras && extras->plot_image)
    g_string_append_printf (s, "![%s](%s)\n\n", _("Loss curves"), extras->plot_image);
  g_string_append_printf (s, "**%s** `%s` — %s\n\n", _("Verdict:"),
                          debrief_run_verdict_to_string (debrief_analysis_get_run_verdict (analysis)),
                          debrief_analysis_get_verdict (analysis));
  /* What kind of training this was, and why Debrief thinks so (POSTTRAINING 1). */
  {
    DebriefMethod method = debrief_run_get_method (run);
    DebriefAdapter adapter = debrief_run_get_adapter (run);

    /* The words the window's run row uses, then the id debrief-cli --json prints. */
    g_string_append_printf (s, "**%s** %s (`%s`) — %s; **%s** %s (`%s`) — %s\n\n", _("Method:"),
                            debrief_method_to_label (method) ? debrief_method_to_label (method) : _("unknown"),
                            debrief_method_to_string (method),
                            debrief_run_get_method_evidence (run) ? debrief_run_get_method_evidence (run) : "?",
                            _("adapter:"),
                            debrief_adapter_to_label (adapter) ? debrief_adapter_to_label (adapter) : _("unknown"),
                            debrief_adapter_to_string (adapter),
                            debrief_run_get_adapter_evidence (run) ? debrief_run_get_adapter_evidence (run) : "?");
  }

  append_key_numbers (s, run, analysis);
  append_judged_series (s, analysis);
  append_findings (s, analysis);
  append_capacity (s, run, analysis);
  append_recommendations (s, analysis, extras);

  g_string_append_printf (s, "## %s\n\n", _("Samples"));
  if (extras && extras->samples_markdown)
    g_string_append_printf (s, "%s\n\n", extras->samples_markdown);
  else
    g_string_append_printf (s, "%s\n\n", _("_No samples yet: sample the fine-tuned and the base model "
                                           "(`debrief-cli sample`)._"));
  g_string_append_printf (s, "## %s\n\n", _("Judge and next steps"));
  if (extras && extras->judge_markdown)
    g_string_append_printf (s, "%s\n\n", extras->judge_markdown);
  else
    g_string_append_printf (s, "%s\n\n", _("_Not judged yet (`debrief-cli judge`). Next steps after "
                                           "judging: above 55% win rate, consider deployment; below "
                                           "50%, investigate the failure modes and iterate; in "
                                           "between, judge more prompts._"));

  warnings = debrief_run_get_warnings (run);
  notes = debrief_analysis_get_notes (analysis);
  if ((warnings && warnings[0]) || (notes && notes[0]))
    {
      g_string_append_printf (s, "## %s\n\n", _("What the analysis could not use"));
      for (guint i = 0; warnings && warnings[i]; i++)
        g_string_append_printf (s, "- %s\n", warnings[i]);
      for (guint i = 0; notes && notes[i]; i++)
        g_string_append_printf (s, "- %s\n", notes[i]);
      g_string_append (s, "\n");
    }

  debrief_report_finish (s);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

void
debrief_report_finish (GString *s)
{
  g_autofree char *sum = NULL;

  g_return_if_fail (s != NULL);

  sum = checksum (s->str, s->len);
  g_string_append_printf (s, "%s%s%s\n", MARKER_PREFIX, sum, MARKER_SUFFIX);
  g_string_append_printf (s, "%s\n\n%s\n", DEBRIEF_REPORT_NOTES_HEADING,
                          _("<!-- Your notes: this section is yours and survives regeneration. -->"));
}

/* The start of the line "## Notes" (exactly, trailing spaces allowed) after @from, or NULL. */
static const char *
find_notes (const char *text,
            const char *from)
{
  size_t len = strlen (DEBRIEF_REPORT_NOTES_HEADING);

  for (const char *p = from; p && *p; )
    {
      const char *eol = strchr (p, '\n');
      const char *q = p + len;

      if (strncmp (p, DEBRIEF_REPORT_NOTES_HEADING, len) == 0)
        {
          while (*q == ' ' || *q == '\t' || *q == '\r')
            q++;
          if (*q == '\n' || *q == '\0')
            return p;
        }
      p = eol ? eol + 1 : NULL;
    }
  return NULL;
}

static const char *
find_marker (const char *text)
{
  for (const char *p = text; p && *p; )
    {
      if (g_str_has_prefix (p, MARKER_PREFIX))
        return p;
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  return NULL;
}

char *
debrief_report_extract_notes (const char *text)
{
  const char *marker, *notes;

  if (text == NULL)
    return NULL;
  marker = find_marker (text);
  /* After the marker when there is one, so a "## Notes" the generator quoted cannot match. */
  notes = find_notes (text, marker ? marker : text);
  return notes ? g_strdup (notes) : NULL;
}

gboolean
debrief_report_is_user_edited (const char *text)
{
  const char *marker, *hex;
  g_autofree char *sum = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  marker = find_marker (text);
  if (marker == NULL)
    return TRUE;
  hex = marker + strlen (MARKER_PREFIX);
  sum = checksum (text, (gsize) (marker - text));
  return strncmp (hex, sum, strlen (sum)) != 0;
}

char *
debrief_report_merge (const char *generated,
                      const char *existing,
                      gboolean   *out_user_edited)
{
  g_autofree char *notes = NULL;
  const char *gen_marker, *gen_notes;
  g_autoptr(GString) s = NULL;

  g_return_val_if_fail (generated != NULL, NULL);

  if (out_user_edited)
    *out_user_edited = existing != NULL && debrief_report_is_user_edited (existing);
  notes = debrief_report_extract_notes (existing);
  gen_marker = find_marker (generated);
  gen_notes = find_notes (generated, gen_marker ? gen_marker : generated);
  if (notes == NULL || gen_notes == NULL)
    return g_strdup (generated);
  s = g_string_new_len (generated, gen_notes - generated);
  g_string_append (s, notes);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
debrief_report_save (GFile         *file,
                     const char    *text,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  /* As the window saves analysis.md: a temporary file renamed over the old
   * one, kept as NAME~ (g_file_replace_contents rewrites in place when it
   * cannot make the temporary file). */
  if (!debrief_document_replace_contents (file, text, strlen (text), cancellable, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot save: %s"), name,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
debrief_report_write_file (GFile         *file,
                           const char    *generated,
                           GFile        **out_edited_copy,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *existing = NULL;
  g_autofree char *merged = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  gboolean edited = FALSE;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (generated != NULL, FALSE);

  if (out_edited_copy)
    *out_edited_copy = NULL;
  if (!g_file_load_contents (file, cancellable, &existing, &len, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_autofree char *name = g_file_get_parse_name (file);
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot read: %s"), name,
                       local_error->message);
          return FALSE;
        }
      g_clear_pointer (&existing, g_free);
    }
  else if (!g_utf8_validate (existing, len, NULL) || memchr (existing, '\0', len) != NULL)
    {
      /* Not text we can merge: keep it whole as an edited copy, start fresh. */
      g_clear_pointer (&existing, g_free);
      edited = TRUE;
    }

  merged = debrief_report_merge (generated, existing, existing ? &edited : NULL);
  if (edited)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *base = g_file_get_basename (file);
      char *dot = strrchr (base, '.');
      g_autofree char *name = NULL;
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autoptr(GFile) copy = NULL;

      /* analysis.md → analysis-edited-YYYYMMDD-HHMMSS.md */
      if (dot != NULL)
        *dot = '\0';
      name = g_strdup_printf ("%s-edited-%s%s", base, stamp, dot != NULL ? ".md" : "");
      copy = g_file_get_child (parent, name);
      if (!g_file_copy (file, copy, G_FILE_COPY_NONE, cancellable, NULL, NULL, &local_error))
        {
          g_autofree char *display = g_file_get_parse_name (copy);
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                       _("%s: cannot keep a copy of the edited report, not overwriting it: %s"),
                       display, local_error->message);
          return FALSE;
        }
      if (out_edited_copy)
        *out_edited_copy = g_steal_pointer (&copy);
    }
  return debrief_report_save (file, merged, cancellable, error);
}

gboolean
debrief_report_write (DebriefRun                *run,
                      DebriefAnalysis           *analysis,
                      const DebriefReportExtras *extras,
                      GFile                    **out_edited_copy,
                      GCancellable              *cancellable,
                      GError                   **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *generated = NULL;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), FALSE);
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (analysis), FALSE);

  file = g_file_get_child (debrief_run_get_folder (run), DEBRIEF_REPORT_FILENAME);
  generated = debrief_report_generate (run, analysis, extras);
  return debrief_report_write_file (file, generated, out_edited_copy, cancellable, error);
}
