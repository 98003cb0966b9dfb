/* debrief-samples.h: sample records, samples.jsonl, prompt files, markdown for the report
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

#define DEBRIEF_SAMPLES_FILE    "samples.jsonl"
/* The report quotes this many characters of each response, as the checklist does. */
#define DEBRIEF_SAMPLES_REPORT_CHARS 500

typedef enum
{
  DEBRIEF_ROLE_FINE_TUNED,
  DEBRIEF_ROLE_BASELINE,
} DebriefSampleRole;

#define DEBRIEF_N_ROLES 2

const char *debrief_sample_role_to_string   (DebriefSampleRole role);  /* "fine-tuned", "baseline" */
gboolean    debrief_sample_role_from_string (const char        *s,
                                             DebriefSampleRole *role);

struct _DebriefSample
{
  char *prompt;
  char *model;
  DebriefSampleRole role;
  char *text;
  char *finish_reason;      /* NULL unknown */
  gint64 prompt_tokens;     /* -1 unknown */
  gint64 completion_tokens; /* -1 unknown */
  double latency;           /* seconds, NAN unknown */
  double first_token;       /* seconds, NAN unknown */
  char *time;               /* ISO 8601 UTC, when it completed */
  /* Added in 0.2 (older samples.jsonl files have none of them): */
  char *checkpoint;         /* which checkpoint answered ("checkpoint-480"); NULL: not said, or the base */
  gint64 step;              /* its training step; -1 unknown */
  guint sample_index;       /* 0, 1, ... when a prompt is sampled several times */
  double temperature;       /* as asked; NAN unknown */
  gint64 max_tokens;        /* as asked; -1 unknown */
};

#define DEBRIEF_TYPE_SAMPLE (debrief_sample_get_type ())
GType          debrief_sample_get_type (void) G_GNUC_CONST;
DebriefSample *debrief_sample_new      (void);
DebriefSample *debrief_sample_copy     (const DebriefSample *sample);
void           debrief_sample_free     (DebriefSample       *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefSample, debrief_sample_free)

/* One JSON object and a final "\n". */
char      *debrief_sample_to_json_line  (const DebriefSample *sample);

/* Appends @line (one complete line) to @path with a single write() on an
 * O_APPEND descriptor, so concurrent writers never interleave within a line. */
gboolean   debrief_jsonl_append_line    (const char          *path,
                                         const char          *line,
                                         GError             **error);
gboolean   debrief_samples_append       (const char          *path,
                                         const DebriefSample *sample,
                                         GError             **error);

/* Reads samples.jsonl: an array of DebriefSample in file order. Lines that are
 * not samples are skipped and counted in @n_skipped (may be NULL). A missing
 * file is an empty array, not an error. */
GPtrArray *debrief_samples_load         (const char          *path,
                                         guint               *n_skipped,
                                         GError             **error);

/* Who answered, as the report and the judge name it: the checkpoint, else
 * the model (a fine-tuned sample), or "baseline". */
const char *debrief_sample_get_label    (const DebriefSample *sample);

/* The newest sample per prompt, answerer (debrief_sample_get_label; all
 * baselines are one) and sample_index, in order of first appearance. */
GPtrArray *debrief_samples_latest       (GPtrArray           *samples);

/* The checklist's three prompts. */
const char *const *debrief_default_prompts (void);

/* A prompt file: one prompt per line, or JSON Lines with a "prompt" member
 * (both may be mixed). Blank lines and lines starting with "#" are skipped.
 * Errors name the file and line. */
GStrv      debrief_prompts_load         (const char          *path,
                                         GError             **error);

/* The body of the report's "## Samples" section: per prompt ("### “…”"), the
 * newest answer of each checkpoint and of the baseline, its first 500
 * characters quoted. */
char      *debrief_samples_to_markdown  (GPtrArray           *samples);

G_END_DECLS
