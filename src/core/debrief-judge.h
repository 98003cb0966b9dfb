/* debrief-judge.h: pairwise LLM-as-judge, win rate with a Wilson interval, the verdict
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each prompt with both a fine-tuned and a baseline sample, a judge model
 * sees the prompt and the two responses in an order drawn at random per
 * prompt (seedable), and answers A, B or tie. Answers it cannot parse are
 * excluded. Win rate = (wins + ties / 2) / judged, with a 95% Wilson interval.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-client.h"

G_BEGIN_DECLS

#define DEBRIEF_JUDGEMENTS_FILE "judgements.jsonl"

/* The checklist's next steps: > 55% success, < 50% iterate, in between inconclusive. */
#define DEBRIEF_JUDGE_SUCCESS_RATE 0.55
#define DEBRIEF_JUDGE_ITERATE_RATE 0.50
/* 95% two-sided normal quantile for the Wilson interval. */
#define DEBRIEF_JUDGE_Z 1.959963984540054

typedef enum
{
  DEBRIEF_JUDGE_ANSWER_UNPARSEABLE,
  DEBRIEF_JUDGE_ANSWER_A,
  DEBRIEF_JUDGE_ANSWER_B,
  DEBRIEF_JUDGE_ANSWER_TIE,
} DebriefJudgeAnswer;

/* Reads a judge's free-form answer: "A", "Response B", "[[A]]", "**B**",
 * JSON {"winner": "A"}, "tie", with noise around it. Conflicting or absent
 * verdicts are UNPARSEABLE. Never reads past @len; @text need not be
 * NUL-terminated or valid UTF-8. */
DebriefJudgeAnswer debrief_judge_parse_answer (const char *text,
                                               gssize      len);
const char        *debrief_judge_answer_to_string (DebriefJudgeAnswer answer);

typedef enum
{
  DEBRIEF_VERDICT_NO_DATA,
  DEBRIEF_VERDICT_SUCCESS,       /* > 55%: consider deployment */
  DEBRIEF_VERDICT_INCONCLUSIVE,  /* 50–55%: judge more prompts */
  DEBRIEF_VERDICT_ITERATE,       /* < 50%: investigate failure modes, iterate */
} DebriefVerdict;

struct _DebriefJudgeSummary
{
  guint wins;          /* fine-tuned better */
  guint losses;        /* baseline better */
  guint ties;
  guint unparseable;   /* excluded */
  guint failed;        /* the judge request failed: excluded */
  guint judged;        /* wins + losses + ties */
  double win_rate;     /* NAN when nothing was judged */
  double low;          /* 95% Wilson interval */
  double high;
  DebriefVerdict verdict;
  gboolean too_wide;   /* the interval reaches both below 50% and above 55% */
};

#define DEBRIEF_TYPE_JUDGE_SUMMARY (debrief_judge_summary_get_type ())
GType               debrief_judge_summary_get_type (void) G_GNUC_CONST;
DebriefJudgeSummary *debrief_judge_summary_copy    (const DebriefJudgeSummary *summary);
void                debrief_judge_summary_free     (DebriefJudgeSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefJudgeSummary, debrief_judge_summary_free)

/* Fills win rate, interval and verdict from the counts already in @summary. */
void   debrief_judge_summary_compute (DebriefJudgeSummary *summary);
/* Wilson score interval for @successes (may be fractional: ties count ½) of @n. */
void   debrief_wilson_interval       (double               successes,
                                      guint                n,
                                      double               z,
                                      double              *low,
                                      double              *high);
/* One sentence: "Win rate 62% (95% CI 41–80%) over 8 prompts: ..." */
char  *debrief_judge_summary_describe (const DebriefJudgeSummary *summary);
/* The body of the report's "## Judge and next steps" section: counts, win rate, interval, verdict. */
char  *debrief_judge_summary_to_markdown (const DebriefJudgeSummary *summary,
                                          const char               *judge_model);
/* Reads judgements.jsonl back into counts (the latest judgement per prompt);
 * @judge_model (may be NULL) gets the judge of the last line. */
gboolean debrief_judge_summary_load   (const char          *path,
                                       DebriefJudgeSummary *summary,
                                       char               **judge_model,
                                       GError             **error);
/* The report's optional blocks from @folder's samples.jsonl and judgements.jsonl:
 * each is NULL when its file is absent or holds nothing usable. */
void     debrief_judge_report_blocks  (GFile               *folder,
                                       char               **samples_markdown,
                                       char               **judge_markdown);

#define DEBRIEF_TYPE_JUDGE (debrief_judge_get_type ())
G_DECLARE_FINAL_TYPE (DebriefJudge, debrief_judge, DEBRIEF, JUDGE, GObject)

DebriefJudge *debrief_judge_new          (DebriefClient *client,
                                          const char    *judge_model);
/* Order of the two responses per prompt; the default seed is random. */
void          debrief_judge_set_seed     (DebriefJudge  *self,
                                          guint32        seed);

/* Judges the newest fine-tuned/baseline pair of every prompt in @samples (an
 * array of DebriefSample, e.g. from debrief_samples_load). Each judgement is
 * appended to @judgements_path (may be NULL) as it completes. Emits
 * "progress" (guint done, guint total). The result is a DebriefJudgeSummary. */
void          debrief_judge_run_async    (DebriefJudge  *self,
                                          GPtrArray     *samples,
                                          const char    *judgements_path,
                                          GCancellable  *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer       user_data);
DebriefJudgeSummary *debrief_judge_run_finish (DebriefJudge *self,
                                          GAsyncResult  *result,
                                          GError       **error);

/* The prompt sent to the judge (exposed for tests and transparency). */
char         *debrief_judge_build_prompt (const char    *prompt,
                                          const char    *response_a,
                                          const char    *response_b);

G_END_DECLS
