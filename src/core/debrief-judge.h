/* debrief-judge.h: pairwise LLM-as-judge that controls for position, win rate with a Wilson interval, the verdict
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each prompt (and each sample of it) with a fine-tuned and a baseline
 * answer, a judge model sees the prompt and the two answers twice, once in
 * each order, and answers A, B or tie each time. A verdict that changes with
 * the order counts as a tie, and the share of such flips measures the
 * judge's position bias. Answers it cannot parse are excluded. Each
 * fine-tuned checkpoint compared is judged against the baseline on its own.
 * Win rate = (wins + ties / 2) / judged, per prompt when a prompt has
 * several samples, with a 95% Wilson interval over the prompts.
 *
 * Every judgement is appended to judgements.jsonl as it completes; a re-run
 * asks only for what is missing (a judgement of the same texts by the same
 * judge in the same order is not asked again) unless told to judge again.
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
  guint wins;          /* fine-tuned better (in both orders, or the single order) */
  guint losses;        /* baseline better */
  guint ties;          /* judged equal, or a verdict that flipped with the order */
  guint unparseable;   /* excluded */
  guint failed;        /* the judge request failed: excluded (asked again on a re-run) */
  guint judged;        /* wins + losses + ties: answer pairs */
  double win_rate;     /* NAN when nothing was judged */
  double low;          /* 95% Wilson interval */
  double high;
  DebriefVerdict verdict; /* where the win rate itself lies */
  gboolean too_wide;   /* the interval reaches both below 50% and above 55% */
  /* Added in 0.2: */
  guint position_flips;   /* pairs whose verdict changed with the order */
  guint both_orders;      /* pairs judged in both orders (the flips' denominator) */
  guint incomplete;       /* one order judged, the other not (yet): excluded */
  guint prompts;          /* prompts judged: the interval's n (0: = judged) */
  double prompt_successes;/* sum over prompts of each prompt's score (wins + ties/2 over its pairs) */
  gboolean conclusive;    /* the interval lies above 55%, below 50%, or inside 50–55% */
  guint prompts_needed;   /* when not conclusive: prompts that would settle it at this
                           * win rate (G_MAXUINT: none would; 0: conclusive) */
};

#define DEBRIEF_TYPE_JUDGE_SUMMARY (debrief_judge_summary_get_type ())
GType               debrief_judge_summary_get_type (void) G_GNUC_CONST;
DebriefJudgeSummary *debrief_judge_summary_copy    (const DebriefJudgeSummary *summary);
void                debrief_judge_summary_free     (DebriefJudgeSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefJudgeSummary, debrief_judge_summary_free)

/* Fills win rate, interval, verdict, conclusive and prompts_needed from the
 * counts already in @summary (wins, losses, ties; prompts and
 * prompt_successes when a prompt had several pairs). */
void   debrief_judge_summary_compute (DebriefJudgeSummary *summary);
/* The fewest prompts at win rate @rate whose Wilson interval clears the
 * 50–55% band (or fits inside it); G_MAXUINT when no number would. */
guint  debrief_judge_prompts_needed  (double               rate);
/* "success", "iterate", "inconclusive" (settled inside 50–55%),
 * "too_few_prompts" (the interval straddles the band), "no_data". */
const char *debrief_judge_summary_verdict_id (const DebriefJudgeSummary *summary);
/* Wilson score interval for @successes (may be fractional: ties count ½) of @n. */
void   debrief_wilson_interval       (double               successes,
                                      guint                n,
                                      double               z,
                                      double              *low,
                                      double              *high);
/* A few sentences: "Win rate 62% (95% CI 41–80%) over 8 prompts: ..." and the verdict. */
char  *debrief_judge_summary_describe (const DebriefJudgeSummary *summary);
/* The body of the report's "## Judge and next steps" section: counts, win rate, interval, verdict. */
char  *debrief_judge_summary_to_markdown (const DebriefJudgeSummary *summary,
                                          const char               *judge_model);

typedef enum
{
  DEBRIEF_JUDGE_ORDER_UNKNOWN,          /* a 0.1 line: the order is in "a"/"b" only */
  DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST, /* the fine-tuned answer was response A */
  DEBRIEF_JUDGE_ORDER_BASELINE_FIRST,
} DebriefJudgeOrder;

/* One line of judgements.jsonl: one judge request. */
struct _DebriefJudgement
{
  char *prompt;
  char *candidate;         /* who the fine-tuned answer is from: its checkpoint, else its model */
  char *checkpoint;        /* NULL: not said */
  gint64 step;             /* -1 unknown */
  guint sample_index;
  char *judge_model;
  char *fine_tuned_model;
  char *baseline_model;
  char *fine_tuned_hash;   /* of the texts judged (NULL in 0.1 files) */
  char *baseline_hash;
  DebriefJudgeOrder order;
  gboolean single_order;   /* judged in one order only (0.1 files, or asked so) */
  char *answer;            /* the judge's answer (its start), NULL when the request failed */
  DebriefJudgeAnswer parsed;
  char *winner;            /* "fine-tuned", "baseline", "tie"; NULL unparseable or failed */
  char *error;             /* the request failed */
  char *time;
};

#define DEBRIEF_TYPE_JUDGEMENT (debrief_judgement_get_type ())
GType             debrief_judgement_get_type (void) G_GNUC_CONST;
DebriefJudgement *debrief_judgement_copy     (const DebriefJudgement *judgement);
void              debrief_judgement_free     (DebriefJudgement       *judgement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefJudgement, debrief_judgement_free)

/* One JSON object (no newline). */
char      *debrief_judgement_to_json     (const DebriefJudgement *judgement);
/* judgements.jsonl: an array of DebriefJudgement in file order; lines that
 * are not judgements are skipped. A missing file is an empty array. */
GPtrArray *debrief_judgements_load       (const char             *path,
                                          GError                **error);
/* The candidates judged, by step then name. */
GStrv      debrief_judgements_candidates (GPtrArray              *judgements);
/* The summary of @candidate (NULL: the only one, or the first) over
 * @judgements: per prompt and sample, the latest judgement of each order of
 * the latest texts, the two orders combined (a flip is a tie). */
void       debrief_judgements_summarize  (GPtrArray              *judgements,
                                          const char             *candidate,
                                          DebriefJudgeSummary    *summary);
/* The report's judge section for every candidate in @judgements. */
char      *debrief_judgements_to_markdown (GPtrArray             *judgements);

/* Reads judgements.jsonl back into the summary of its first candidate;
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
/* Judge each pair in one order only, drawn at random per pair with @seed:
 * half the requests, but no control of position bias. Off by default. */
void          debrief_judge_set_single_order (DebriefJudge *self,
                                              gboolean      single);
/* The seed of the single-order draw; the default seed is random. */
void          debrief_judge_set_seed     (DebriefJudge  *self,
                                          guint32        seed);
/* Judgements already made (e.g. debrief_judgements_load): a request whose
 * judgement is there (same texts, judge and order, not failed) is not sent
 * again. NULL forgets them. */
void          debrief_judge_set_existing (DebriefJudge  *self,
                                          GPtrArray     *judgements);
/* Judge everything again, even what @existing holds. */
void          debrief_judge_set_rejudge  (DebriefJudge  *self,
                                          gboolean       rejudge);
/* Whose summary run_finish returns: a candidate (checkpoint or model); NULL: the first. */
void          debrief_judge_set_primary  (DebriefJudge  *self,
                                          const char    *candidate);

/* Judges every fine-tuned answer in @samples (an array of DebriefSample,
 * e.g. from debrief_samples_load) against the baseline's answer to the same
 * prompt (and sample): the newest of each. Each judgement is appended to
 * @judgements_path (may be NULL) as it completes. Emits "progress" (guint
 * done, guint total) per request. The result is the DebriefJudgeSummary of
 * the primary candidate; errors: G_IO_ERROR_CANCELLED (nothing new judged),
 * DEBRIEF_ERROR_CANCELLED_PARTIAL (cancelled, some kept), or the first
 * request's error when every request failed. Either way
 * debrief_judge_get_judgements has what there is. */
void          debrief_judge_run_async    (DebriefJudge  *self,
                                          GPtrArray     *samples,
                                          const char    *judgements_path,
                                          GCancellable  *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer       user_data);
DebriefJudgeSummary *debrief_judge_run_finish (DebriefJudge *self,
                                          GAsyncResult  *result,
                                          GError       **error);
/* After a run: the existing judgements kept and the new ones (DebriefJudgement*). */
GPtrArray    *debrief_judge_get_judgements (DebriefJudge *self);
/* How many requests the last run did not send because they were already judged. */
guint         debrief_judge_get_n_reused (DebriefJudge  *self);

/* The prompt sent to the judge (exposed for tests and transparency). */
char         *debrief_judge_build_prompt (const char    *prompt,
                                          const char    *response_a,
                                          const char    *response_b);

G_END_DECLS
