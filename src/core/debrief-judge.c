/* debrief-judge.c: pairwise LLM-as-judge
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "debrief-error.h"
#include "debrief-judge.h"
#include "debrief-json-glib-private.h"
#include "debrief-json-private.h"
#include "debrief-jsonl-writer.h"
#include "debrief-samples.h"

/* Judges that think aloud still end within this; the verdict is what we parse. */
#define JUDGE_MAX_TOKENS 512
/* Only this much of an answer is looked at (and stored in judgements.jsonl). */
#define MAX_ANSWER_BYTES (64 * 1024)
#define STORED_ANSWER_CHARS 2000

static const char judge_system[] =
  "You are an impartial judge comparing two AI assistant responses to the same user prompt. "
  "Judge helpfulness, correctness, relevance, depth and clarity. Do not let the order of the "
  "responses, their length or the assistants' names influence you. "
  "After at most a short explanation, give your verdict on the last line, exactly as "
  "[[A]] if response A is better, [[B]] if response B is better, or [[tie]] if they are equally good.";

/* ---- parsing the judge's answer ---- */

typedef struct
{
  GRegex *bracket;
  GRegex *bare;
  GRegex *phrases_ab[4];
  GRegex *phrase_tie;
} Patterns;

static const Patterns *
patterns (void)
{
  static gsize once = 0;
  static Patterns p;

  if (g_once_init_enter (&once))
    {
      /* RAW: the answer is bytes; OPTIMIZE: the fuzzer calls this a lot. */
      GRegexCompileFlags f = G_REGEX_RAW | G_REGEX_OPTIMIZE;
      const char *const ab[] = {
        "\\b(?:response|answer|assistant|output|option|candidate)\\s*\\(?([ab])\\)?\\s+(?:is|was|seems|appears)\\s+"
          "(?:clearly\\s+|slightly\\s+|much\\s+|definitely\\s+)?(?:better|superior|preferred|stronger|more\\s+helpful|the\\s+(?:better|winner|best))",
        "\\b(?:winner|verdict|final\\s+answer|better\\s+response|my\\s+choice|preferred\\s+response)\\s*(?:is|:|=|-)?\\s*"
          "(?:response\\s*|assistant\\s*)?\\(?([ab])\\)?(?![a-z0-9])",
        "\\bi\\s+(?:would\\s+)?(?:choose|prefer|pick|select|go\\s+with)\\s+(?:response\\s*|assistant\\s*)?\\(?([ab])\\)?(?![a-z0-9])",
        "\\b(?:response|assistant)\\s*([ab])\\s+wins\\b",
      };

      p.bracket = g_regex_new ("\\[\\[\\s*(a|b|c|tie|draw|equal)\\s*\\]\\]", f, 0, NULL);
      p.bare = g_regex_new ("^(?:(?:the\\s+)?(?:final\\s+)?(?:answer|verdict|winner|better\\s+(?:response|one)|choice)\\s*(?:is|:|-)?\\s*)?"
                            "(?:(?:response|assistant|output|option|model)\\s*)?([ab]|tie|draw|equal|its\\s+a\\s+tie|it\\s+is\\s+a\\s+tie)$",
                            f, 0, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (ab); i++)
        p.phrases_ab[i] = g_regex_new (ab[i], f, 0, NULL);
      p.phrase_tie = g_regex_new ("\\b(?:it'?s\\s+a\\s+tie|it\\s+is\\s+a\\s+tie|(?:a|the)\\s+tie|tie\\b(?!-)|draw\\b|equally\\s+(?:good|bad|helpful|strong)"
                                  "|both\\s+(?:responses\\s+)?are\\s+equal(?:ly)?|neither\\s+(?:response\\s+)?is\\s+better)",
                                  f, 0, NULL);
      g_assert (p.bracket != NULL && p.bare != NULL && p.phrase_tie != NULL);
      for (guint i = 0; i < G_N_ELEMENTS (ab); i++)
        g_assert (p.phrases_ab[i] != NULL);
      g_once_init_leave (&once, 1);
    }
  return &p;
}

static DebriefJudgeAnswer
answer_from_word (const char *w)
{
  if (strcmp (w, "a") == 0)
    return DEBRIEF_JUDGE_ANSWER_A;
  if (strcmp (w, "b") == 0)
    return DEBRIEF_JUDGE_ANSWER_B;
  if (strcmp (w, "tie") == 0 || strcmp (w, "draw") == 0 || strcmp (w, "equal") == 0 ||
      strcmp (w, "c") == 0 || g_str_has_suffix (w, " tie"))
    return DEBRIEF_JUDGE_ANSWER_TIE;
  return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
}

/* Lower-cases, drops markdown emphasis and quotes, folds whitespace, trims punctuation. */
static char *
normalise (const char *s,
           gsize       len)
{
  GString *out = g_string_sized_new (len);
  gsize start;
  gsize end;

  for (gsize i = 0; i < len; i++)
    {
      char c = g_ascii_tolower (s[i]);

      if (c == '*' || c == '`' || c == '"' || c == '\'' || c == '_')
        continue;
      if (g_ascii_isspace (c))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          continue;
        }
      g_string_append_c (out, c);
    }
  start = 0;
  end = out->len;
  while (start < end && strchr (" .,:;!?()[]{}<>#-=>", out->str[start]) != NULL)
    start++;
  while (end > start && strchr (" .,:;!?()[]{}<>#-=>", out->str[end - 1]) != NULL)
    end--;
  {
    char *r = g_strndup (out->str + start, end - start);

    g_string_free (out, TRUE);
    return r;
  }
}

static DebriefJudgeAnswer
parse_bare (const char *s,
            gsize       len)
{
  g_autofree char *n = normalise (s, len);
  g_autoptr(GMatchInfo) info = NULL;
  DebriefJudgeAnswer answer = DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;

  if (g_regex_match (patterns ()->bare, n, 0, &info))
    {
      g_autofree char *w = g_match_info_fetch (info, 1);

      answer = answer_from_word (w);
    }
  return answer;
}

static DebriefJudgeAnswer
parse_json (const char *s,
            gsize       len)
{
  const char *open = memchr (s, '{', len);
  const char *close = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *obj;
  static const char *const keys[] = { "winner", "verdict", "answer", "better", "choice", "result", "preferred", "preference" };

  for (gsize i = len; i > 0; i--)
    if (s[i - 1] == '}')
      {
        close = s + i - 1;
        break;
      }
  if (open == NULL || close == NULL || close < open)
    return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  if (!debrief_json_glib_safe (open, close - open + 1))
    return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, open, close - open + 1, NULL))
    return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  obj = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *node = json_object_has_member (obj, keys[i]) ? json_object_get_member (obj, keys[i]) : NULL;

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *v = json_node_get_string (node);
          DebriefJudgeAnswer a = parse_bare (v, strlen (v));

          if (a != DEBRIEF_JUDGE_ANSWER_UNPARSEABLE)
            return a;
        }
      if (node != NULL && JSON_NODE_HOLDS_NULL (node))
        return DEBRIEF_JUDGE_ANSWER_TIE;  /* {"winner": null} */
    }
  return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
}

DebriefJudgeAnswer
debrief_judge_parse_answer (const char *text,
                            gssize      len)
{
  const Patterns *p = patterns ();
  g_autofree char *lower = NULL;
  g_autoptr(GMatchInfo) info = NULL;
  DebriefJudgeAnswer answer;
  DebriefJudgeAnswer found;
  gboolean seen[4] = { FALSE, FALSE, FALSE, FALSE };
  guint kinds = 0;
  gsize n;

  if (text == NULL)
    return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  n = len < 0 ? strlen (text) : (gsize) len;
  n = MIN (n, MAX_ANSWER_BYTES);
  /* A NUL inside ends the answer (regexes work on C strings). */
  n = strnlen (text, n);
  lower = g_ascii_strdown (text, n);

  /* 1. A JSON object with a winner. */
  answer = parse_json (lower, n);
  if (answer != DEBRIEF_JUDGE_ANSWER_UNPARSEABLE)
    return answer;

  /* 2. [[A]] / [[B]] / [[tie]]: the last one is the verdict (earlier ones may quote the format). */
  found = DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  if (g_regex_match (p->bracket, lower, 0, &info))
    while (g_match_info_matches (info))
      {
        g_autofree char *w = g_match_info_fetch (info, 1);

        found = answer_from_word (w);
        g_match_info_next (info, NULL);
      }
  g_clear_pointer (&info, g_match_info_free);
  if (found != DEBRIEF_JUDGE_ANSWER_UNPARSEABLE)
    return found;

  /* 3. The whole answer, its first or its last line is just the verdict. */
  answer = parse_bare (lower, n);
  if (answer != DEBRIEF_JUDGE_ANSWER_UNPARSEABLE)
    return answer;
  {
    const char *nl = memchr (lower, '\n', n);
    const char *last = NULL;

    if (nl != NULL)
      {
        answer = parse_bare (lower, nl - lower);
        if (answer != DEBRIEF_JUDGE_ANSWER_UNPARSEABLE)
          return answer;
        /* The last non-empty line. */
        for (gsize i = n; i > 0; i--)
          if (lower[i - 1] == '\n' && last == NULL)
            {
              gsize rest = n - i;
              gboolean blank = TRUE;

              for (gsize j = i; j < n; j++)
                blank = blank && g_ascii_isspace (lower[j]);
              if (!blank)
                {
                  last = lower + i;
                  answer = parse_bare (last, rest);
                  if (answer != DEBRIEF_JUDGE_ANSWER_UNPARSEABLE)
                    return answer;
                }
            }
      }
  }

  /* 4. Phrases in prose: every one found must agree. */
  for (guint i = 0; i < G_N_ELEMENTS (p->phrases_ab); i++)
    {
      if (g_regex_match (p->phrases_ab[i], lower, 0, &info))
        while (g_match_info_matches (info))
          {
            g_autofree char *w = g_match_info_fetch (info, 1);

            seen[answer_from_word (w)] = TRUE;
            g_match_info_next (info, NULL);
          }
      g_clear_pointer (&info, g_match_info_free);
    }
  if (g_regex_match (p->phrase_tie, lower, 0, NULL))
    seen[DEBRIEF_JUDGE_ANSWER_TIE] = TRUE;
  found = DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
  for (int k = DEBRIEF_JUDGE_ANSWER_A; k <= DEBRIEF_JUDGE_ANSWER_TIE; k++)
    if (seen[k])
      {
        kinds++;
        found = k;
      }
  return kinds == 1 ? found : DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
}

const char *
debrief_judge_answer_to_string (DebriefJudgeAnswer answer)
{
  switch (answer)
    {
    case DEBRIEF_JUDGE_ANSWER_A: return "A";
    case DEBRIEF_JUDGE_ANSWER_B: return "B";
    case DEBRIEF_JUDGE_ANSWER_TIE: return "tie";
    case DEBRIEF_JUDGE_ANSWER_UNPARSEABLE:
    default: return "unparseable";
    }
}

/* ---- statistics and verdict ---- */

/* Where "prompts needed" stops looking: beyond it no evaluation is practical. */
#define MAX_PROMPTS_NEEDED 10000000u

G_DEFINE_BOXED_TYPE (DebriefJudgeSummary, debrief_judge_summary,
                     debrief_judge_summary_copy, debrief_judge_summary_free)

DebriefJudgeSummary *
debrief_judge_summary_copy (const DebriefJudgeSummary *summary)
{
  return g_memdup2 (summary, sizeof *summary);
}

void
debrief_judge_summary_free (DebriefJudgeSummary *summary)
{
  g_free (summary);
}

void
debrief_wilson_interval (double  successes,
                         guint   n,
                         double  z,
                         double *low,
                         double *high)
{
  double p, z2, denom, centre, half;

  if (n == 0)
    {
      *low = 0.0;
      *high = 1.0;
      return;
    }
  p = successes / n;
  z2 = z * z;
  denom = 1.0 + z2 / n;
  centre = (p + z2 / (2.0 * n)) / denom;
  half = z * sqrt (p * (1.0 - p) / n + z2 / (4.0 * n * (double) n)) / denom;
  *low = MAX (0.0, centre - half);
  *high = MIN (1.0, centre + half);
}

/* The interval says which side of the checklist's band the truth is on. */
static gboolean
settled (double low,
         double high)
{
  return low > DEBRIEF_JUDGE_SUCCESS_RATE || high < DEBRIEF_JUDGE_ITERATE_RATE ||
         (low >= DEBRIEF_JUDGE_ITERATE_RATE && high <= DEBRIEF_JUDGE_SUCCESS_RATE);
}

static gboolean
settled_at (double rate,
            guint  n)
{
  double low, high;

  debrief_wilson_interval (rate * n, n, DEBRIEF_JUDGE_Z, &low, &high);
  return settled (low, high);
}

guint
debrief_judge_prompts_needed (double rate)
{
  guint lo = 1, hi = 1;

  if (!isfinite (rate) || rate < 0.0 || rate > 1.0)
    return G_MAXUINT;
  /* For a fixed rate the interval only narrows as n grows: search by doubling, then halving. */
  while (!settled_at (rate, hi))
    {
      if (hi >= MAX_PROMPTS_NEEDED)
        return G_MAXUINT;
      lo = hi + 1;
      hi = MIN (hi * 2, MAX_PROMPTS_NEEDED);
    }
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (settled_at (rate, mid))
        hi = mid;
      else
        lo = mid + 1;
    }
  return hi;
}

void
debrief_judge_summary_compute (DebriefJudgeSummary *s)
{
  guint n;
  double successes;

  s->judged = s->wins + s->losses + s->ties;
  if (s->prompts == 0 || s->judged == 0)
    {
      n = s->judged;
      successes = s->wins + s->ties / 2.0;
    }
  else
    {
      n = s->prompts;
      successes = s->prompt_successes;
    }
  if (n == 0)
    {
      s->win_rate = NAN;
      s->low = 0.0;
      s->high = 1.0;
      s->verdict = DEBRIEF_VERDICT_NO_DATA;
      s->too_wide = TRUE;
      s->conclusive = FALSE;
      s->prompts_needed = G_MAXUINT;
      return;
    }
  s->win_rate = successes / n;
  debrief_wilson_interval (successes, n, DEBRIEF_JUDGE_Z, &s->low, &s->high);
  if (s->win_rate > DEBRIEF_JUDGE_SUCCESS_RATE)
    s->verdict = DEBRIEF_VERDICT_SUCCESS;
  else if (s->win_rate < DEBRIEF_JUDGE_ITERATE_RATE)
    s->verdict = DEBRIEF_VERDICT_ITERATE;
  else
    s->verdict = DEBRIEF_VERDICT_INCONCLUSIVE;
  /* Too wide to trust: the plausible range holds both a failure and a success. */
  s->too_wide = s->low < DEBRIEF_JUDGE_ITERATE_RATE && s->high > DEBRIEF_JUDGE_SUCCESS_RATE;
  s->conclusive = settled (s->low, s->high);
  s->prompts_needed = s->conclusive ? 0 : debrief_judge_prompts_needed (s->win_rate);
}

const char *
debrief_judge_summary_verdict_id (const DebriefJudgeSummary *s)
{
  if (s->verdict == DEBRIEF_VERDICT_NO_DATA || s->judged == 0)
    return "no_data";
  if (!s->conclusive)
    return "too_few_prompts";
  switch (s->verdict)
    {
    case DEBRIEF_VERDICT_SUCCESS: return "success";
    case DEBRIEF_VERDICT_ITERATE: return "iterate";
    case DEBRIEF_VERDICT_INCONCLUSIVE:
    case DEBRIEF_VERDICT_NO_DATA:
    default: return "inconclusive";
    }
}

static char *
percent (double v)
{
  return g_strdup_printf ("%d%%", (int) lround (v * 100.0));
}

static guint
n_prompts (const DebriefJudgeSummary *s)
{
  return s->prompts > 0 ? s->prompts : s->judged;
}

char *
debrief_judge_summary_describe (const DebriefJudgeSummary *s)
{
  g_autofree char *rate = NULL;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;
  GString *out = g_string_new (NULL);
  guint excluded = s->unparseable + s->failed + s->incomplete;

  if (s->judged == 0)
    {
      g_string_append_printf (out, _("No usable judgement (%u unparseable, %u failed): nothing to conclude yet."),
                              s->unparseable, s->failed + s->incomplete);
      return g_string_free (out, FALSE);
    }
  rate = percent (s->win_rate);
  lo = percent (s->low);
  hi = percent (s->high);
  /* The counts as "label: number": no plural to agree with. */
  if (n_prompts (s) != s->judged)
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              "Win rate %s (95%% CI %s–%s) over %u prompt (%u answer pairs; wins: %u, ties: %u, losses: %u)",
                                              "Win rate %s (95%% CI %s–%s) over %u prompts (%u answer pairs; wins: %u, ties: %u, losses: %u)",
                                              n_prompts (s)),
                            rate, lo, hi, n_prompts (s), s->judged, s->wins, s->ties, s->losses);
  else
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              "Win rate %s (95%% CI %s–%s) over %u judged prompt (wins: %u, ties: %u, losses: %u)",
                                              "Win rate %s (95%% CI %s–%s) over %u judged prompts (wins: %u, ties: %u, losses: %u)",
                                              s->judged),
                            rate, lo, hi, s->judged, s->wins, s->ties, s->losses);
  if (excluded > 0)
    g_string_append_printf (out, _("; left out: %u unparseable, %u failed"), s->unparseable,
                            s->failed + s->incomplete);
  g_string_append (out, ". ");
  if (s->both_orders > 0)
    {
      g_autofree char *share = percent ((double) s->position_flips / s->both_orders);

      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                "%u of %u verdict changed when the answers swapped places: %s position bias, counted as ties.",
                                                "%u of %u verdicts changed when the answers swapped places: %s position bias, counted as ties.",
                                                s->both_orders),
                              s->position_flips, s->both_orders, share);
      g_string_append_c (out, ' ');
    }
  if (!s->conclusive)
    {
      g_string_append (out, _("Too few prompts to conclude: the interval reaches into the 50–55% band."));
      g_string_append_c (out, ' ');
      if (s->prompts_needed == G_MAXUINT)
        g_string_append (out, _("At this win rate no number of prompts would settle it: the fine-tuned model is about "
                                "as good as the base model."));
      else
        g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                  "At this win rate about %u prompt would settle it.",
                                                  "At this win rate about %u prompts would settle it.",
                                                  s->prompts_needed),
                                s->prompts_needed);
      g_string_append_c (out, ' ');
      switch (s->verdict)
        {
        case DEBRIEF_VERDICT_SUCCESS:
          g_string_append (out, _("So far it leans towards success (above 55%): judge more prompts before deploying."));
          break;
        case DEBRIEF_VERDICT_ITERATE:
          g_string_append (out, _("So far it leans towards failure (below 50%): judge more prompts, and look at the failure modes."));
          break;
        case DEBRIEF_VERDICT_INCONCLUSIVE:
        case DEBRIEF_VERDICT_NO_DATA:
        default:
          g_string_append (out, _("So far it is between 50% and 55%: judge more prompts."));
          break;
        }
      return g_string_free (out, FALSE);
    }
  switch (s->verdict)
    {
    case DEBRIEF_VERDICT_SUCCESS:
      g_string_append (out, _("Above 55%: success, the fine-tuned model beats the base model; consider deployment."));
      break;
    case DEBRIEF_VERDICT_ITERATE:
      g_string_append (out, _("Below 50%: the fine-tuned model does not beat the base model; investigate failure modes and iterate."));
      break;
    case DEBRIEF_VERDICT_INCONCLUSIVE:
    case DEBRIEF_VERDICT_NO_DATA:
    default:
      g_string_append (out, _("Between 50% and 55%: inconclusive; the fine-tuned model is at best slightly better than the base model."));
      break;
    }
  return g_string_free (out, FALSE);
}

static void
append_table_header (GString  *out,
                     gboolean  with_candidate)
{
  if (with_candidate)
    g_string_append (out, "| checkpoint | wins | ties | losses | flips | excluded | win rate | 95% interval | verdict |\n"
                          "|---|---:|---:|---:|---:|---:|---:|---|---|\n");
  else
    g_string_append (out, "| wins | ties | losses | flips | excluded | win rate | 95% interval | verdict |\n"
                          "|---:|---:|---:|---:|---:|---:|---|---|\n");
}

static void
append_table_row (GString                   *out,
                  const char                *candidate,
                  const DebriefJudgeSummary *s)
{
  g_autofree char *rate = s->judged > 0 ? percent (s->win_rate) : g_strdup ("–");
  g_autofree char *lo = percent (s->low);
  g_autofree char *hi = percent (s->high);
  g_autofree char *flips = s->both_orders > 0 ? g_strdup_printf ("%u of %u", s->position_flips, s->both_orders)
                                              : g_strdup ("–");
  g_autofree char *verdict = g_strdelimit (g_strdup (debrief_judge_summary_verdict_id (s)), "_", ' ');

  if (candidate != NULL)
    g_string_append_printf (out, "| `%s` ", candidate);
  g_string_append_printf (out, "| %u | %u | %u | %s | %u | %s | %s–%s | %s |\n", s->wins, s->ties, s->losses, flips,
                          s->unparseable + s->failed + s->incomplete, rate, lo, hi, verdict);
}

char *
debrief_judge_summary_to_markdown (const DebriefJudgeSummary *s,
                                   const char                *judge_model)
{
  g_autofree char *sentence = debrief_judge_summary_describe (s);
  GString *out = g_string_new (NULL);

  if (judge_model != NULL && judge_model[0] != '\0')
    g_string_append_printf (out, s->both_orders > 0
                                 ? "Pairwise comparison by `%s`, each pair judged in both orders (a verdict that changes with the order counts as a tie).\n\n"
                                 : "Pairwise comparison by `%s`, the order of the two responses randomised per prompt.\n\n",
                            judge_model);
  if (s->judged > 0)
    {
      append_table_header (out, FALSE);
      append_table_row (out, NULL, s);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "**Verdict:** %s\n", sentence);
  return g_string_free (out, FALSE);
}

/* ---- judgements.jsonl ---- */

G_DEFINE_BOXED_TYPE (DebriefJudgement, debrief_judgement, debrief_judgement_copy, debrief_judgement_free)

static DebriefJudgement *
judgement_new (void)
{
  DebriefJudgement *j = g_new0 (DebriefJudgement, 1);

  j->step = -1;
  return j;
}

DebriefJudgement *
debrief_judgement_copy (const DebriefJudgement *j)
{
  DebriefJudgement *c = g_memdup2 (j, sizeof *j);

  c->prompt = g_strdup (j->prompt);
  c->candidate = g_strdup (j->candidate);
  c->checkpoint = g_strdup (j->checkpoint);
  c->judge_model = g_strdup (j->judge_model);
  c->fine_tuned_model = g_strdup (j->fine_tuned_model);
  c->baseline_model = g_strdup (j->baseline_model);
  c->fine_tuned_hash = g_strdup (j->fine_tuned_hash);
  c->baseline_hash = g_strdup (j->baseline_hash);
  c->answer = g_strdup (j->answer);
  c->winner = g_strdup (j->winner);
  c->error = g_strdup (j->error);
  c->time = g_strdup (j->time);
  return c;
}

void
debrief_judgement_free (DebriefJudgement *j)
{
  if (j == NULL)
    return;
  g_free (j->prompt);
  g_free (j->candidate);
  g_free (j->checkpoint);
  g_free (j->judge_model);
  g_free (j->fine_tuned_model);
  g_free (j->baseline_model);
  g_free (j->fine_tuned_hash);
  g_free (j->baseline_hash);
  g_free (j->answer);
  g_free (j->winner);
  g_free (j->error);
  g_free (j->time);
  g_free (j);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static const char *
order_to_string (DebriefJudgeOrder order)
{
  return order == DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST ? "fine-tuned-first"
       : order == DEBRIEF_JUDGE_ORDER_BASELINE_FIRST ? "baseline-first" : NULL;
}

char *
debrief_judgement_to_json (const DebriefJudgement *j)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean tuned_first = j->order != DEBRIEF_JUDGE_ORDER_BASELINE_FIRST;

  json_builder_begin_object (b);
  add_string (b, "prompt", j->prompt);
  add_string (b, "judge_model", j->judge_model);
  add_string (b, "fine_tuned_model", j->fine_tuned_model != NULL ? j->fine_tuned_model : "");
  add_string (b, "baseline_model", j->baseline_model != NULL ? j->baseline_model : "");
  add_string (b, "a", tuned_first ? "fine-tuned" : "baseline");
  add_string (b, "b", tuned_first ? "baseline" : "fine-tuned");
  add_string (b, "answer", j->answer);
  add_string (b, "parsed", j->error != NULL ? "failed" : debrief_judge_answer_to_string (j->parsed));
  add_string (b, "winner", j->winner);
  add_string (b, "error", j->error);
  add_string (b, "time", j->time);
  /* 0.2 */
  add_string (b, "candidate", j->candidate);
  add_string (b, "checkpoint", j->checkpoint);
  json_builder_set_member_name (b, "step");
  if (j->step >= 0)
    json_builder_add_int_value (b, j->step);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "sample_index");
  json_builder_add_int_value (b, j->sample_index);
  add_string (b, "order", order_to_string (j->order));
  json_builder_set_member_name (b, "both_orders");
  json_builder_add_boolean_value (b, !j->single_order);
  add_string (b, "fine_tuned_hash", j->fine_tuned_hash);
  add_string (b, "baseline_hash", j->baseline_hash);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static DebriefJudgeAnswer
answer_from_string (const char *s)
{
  if (g_strcmp0 (s, "A") == 0)
    return DEBRIEF_JUDGE_ANSWER_A;
  if (g_strcmp0 (s, "B") == 0)
    return DEBRIEF_JUDGE_ANSWER_B;
  if (g_strcmp0 (s, "tie") == 0)
    return DEBRIEF_JUDGE_ANSWER_TIE;
  return DEBRIEF_JUDGE_ANSWER_UNPARSEABLE;
}

static DebriefJudgement *
judgement_from_object (JsonObject *obj)
{
  DebriefJudgement *j;
  const char *winner = debrief_json_string (obj, "winner");
  const char *order = debrief_json_string (obj, "order");
  JsonNode *both = json_object_has_member (obj, "both_orders") ? json_object_get_member (obj, "both_orders") : NULL;
  double v;

  if (debrief_json_string (obj, "prompt") == NULL)
    return NULL;
  j = judgement_new ();
  j->prompt = g_strdup (debrief_json_string (obj, "prompt"));
  j->judge_model = g_strdup (debrief_json_string (obj, "judge_model"));
  j->fine_tuned_model = g_strdup (debrief_json_string (obj, "fine_tuned_model"));
  j->baseline_model = g_strdup (debrief_json_string (obj, "baseline_model"));
  j->checkpoint = g_strdup (debrief_json_string (obj, "checkpoint"));
  j->candidate = g_strdup (debrief_json_string (obj, "candidate"));
  if (j->candidate == NULL)
    j->candidate = g_strdup (j->checkpoint != NULL ? j->checkpoint
                             : j->fine_tuned_model != NULL ? j->fine_tuned_model : "");
  v = debrief_json_number (obj, "step");
  j->step = isfinite (v) && v >= 0 && v < 1e18 ? (gint64) v : -1;
  v = debrief_json_number (obj, "sample_index");
  j->sample_index = isfinite (v) && v >= 0 && v < G_MAXUINT ? (guint) v : 0;
  j->fine_tuned_hash = g_strdup (debrief_json_string (obj, "fine_tuned_hash"));
  j->baseline_hash = g_strdup (debrief_json_string (obj, "baseline_hash"));
  if (g_strcmp0 (order, "fine-tuned-first") == 0)
    j->order = DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST;
  else if (g_strcmp0 (order, "baseline-first") == 0)
    j->order = DEBRIEF_JUDGE_ORDER_BASELINE_FIRST;
  else
    j->order = g_strcmp0 (debrief_json_string (obj, "a"), "baseline") == 0 ? DEBRIEF_JUDGE_ORDER_BASELINE_FIRST
                                                                      : DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST;
  /* A 0.1 line judged its pair once, in a random order. */
  j->single_order = !(both != NULL && JSON_NODE_HOLDS_VALUE (both) &&
                      json_node_get_value_type (both) == G_TYPE_BOOLEAN && json_node_get_boolean (both));
  j->answer = g_strdup (debrief_json_string (obj, "answer"));
  j->parsed = answer_from_string (debrief_json_string (obj, "parsed"));
  if (debrief_json_string (obj, "error") != NULL)
    j->error = g_strdup (debrief_json_string (obj, "error"));
  if (j->error == NULL && (g_strcmp0 (winner, "fine-tuned") == 0 || g_strcmp0 (winner, "baseline") == 0 ||
                           g_strcmp0 (winner, "tie") == 0))
    j->winner = g_strdup (winner);
  j->time = g_strdup (debrief_json_string (obj, "time"));
  return j;
}

GPtrArray *
debrief_judgements_load (const char  *path,
                         GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_judgement_free);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  char *line;
  char *next;

  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&list);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonNode *root;
      DebriefJudgement *j;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (!debrief_json_glib_safe (line, -1) ||
          !json_parser_load_from_data (parser, line, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      j = judgement_from_object (json_node_get_object (root));
      if (j != NULL)
        g_ptr_array_add (list, j);
    }
  return g_steal_pointer (&list);
}

typedef struct
{
  const char *candidate;
  gint64 step;
} CandidateEntry;

static int
compare_candidates (gconstpointer pa,
                    gconstpointer pb)
{
  const CandidateEntry *a = pa;
  const CandidateEntry *b = pb;

  if (a->step != b->step)
    return a->step < 0 ? 1 : b->step < 0 ? -1 : a->step < b->step ? -1 : 1;
  return strcmp (a->candidate, b->candidate);
}

GStrv
debrief_judgements_candidates (GPtrArray *judgements)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (CandidateEntry));
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < judgements->len; i++)
    {
      DebriefJudgement *j = g_ptr_array_index (judgements, i);
      CandidateEntry e = { j->candidate != NULL ? j->candidate : "", j->step };

      if (g_hash_table_add (seen, (gpointer) e.candidate))
        g_array_append_val (entries, e);
    }
  g_array_sort (entries, compare_candidates);
  for (guint i = 0; i < entries->len; i++)
    g_strv_builder_add (b, g_array_index (entries, CandidateEntry, i).candidate);
  return g_strv_builder_end (b);
}

/* The outcome of one answer pair from its judgements. */
typedef enum
{
  OUTCOME_WIN,
  OUTCOME_LOSS,
  OUTCOME_TIE,
  OUTCOME_UNPARSEABLE,
  OUTCOME_FAILED,
  OUTCOME_INCOMPLETE,
} Outcome;

static Outcome
outcome_of (const DebriefJudgement *j)
{
  if (j->error != NULL)
    return OUTCOME_FAILED;
  if (g_strcmp0 (j->winner, "fine-tuned") == 0)
    return OUTCOME_WIN;
  if (g_strcmp0 (j->winner, "baseline") == 0)
    return OUTCOME_LOSS;
  if (g_strcmp0 (j->winner, "tie") == 0)
    return OUTCOME_TIE;
  return OUTCOME_UNPARSEABLE;
}

/* The latest judgement of @order among @group (same texts and judge as @last),
 * preferring one that did not fail. */
static const DebriefJudgement *
latest_of_order (GPtrArray              *group,
                 const DebriefJudgement *last,
                 DebriefJudgeOrder       order)
{
  const DebriefJudgement *failed = NULL;

  for (guint i = group->len; i > 0; i--)
    {
      const DebriefJudgement *j = g_ptr_array_index (group, i - 1);

      if (j->single_order || j->order != order || g_strcmp0 (j->fine_tuned_hash, last->fine_tuned_hash) != 0 ||
          g_strcmp0 (j->baseline_hash, last->baseline_hash) != 0 || g_strcmp0 (j->judge_model, last->judge_model) != 0)
        continue;
      if (j->error == NULL)
        return j;
      if (failed == NULL)
        failed = j;
    }
  return failed;
}

static Outcome
pair_outcome (GPtrArray *group,
              gboolean  *flipped,
              gboolean  *both)
{
  const DebriefJudgement *last = g_ptr_array_index (group, group->len - 1);
  const DebriefJudgement *first;
  const DebriefJudgement *second;
  Outcome a, b;

  *flipped = FALSE;
  *both = FALSE;
  if (last->single_order)
    {
      /* One order only: the latest judgement that did not fail, if any. */
      for (guint i = group->len; i > 0; i--)
        {
          const DebriefJudgement *j = g_ptr_array_index (group, i - 1);

          if (j->single_order && j->error == NULL && g_strcmp0 (j->judge_model, last->judge_model) == 0 &&
              g_strcmp0 (j->fine_tuned_hash, last->fine_tuned_hash) == 0 &&
              g_strcmp0 (j->baseline_hash, last->baseline_hash) == 0)
            return outcome_of (j);
        }
      return OUTCOME_FAILED;
    }
  first = latest_of_order (group, last, DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST);
  second = latest_of_order (group, last, DEBRIEF_JUDGE_ORDER_BASELINE_FIRST);
  if (first == NULL || second == NULL)
    return (first != NULL && first->error != NULL) || (second != NULL && second->error != NULL)
           ? OUTCOME_FAILED : OUTCOME_INCOMPLETE;
  a = outcome_of (first);
  b = outcome_of (second);
  if (a == OUTCOME_FAILED || b == OUTCOME_FAILED)
    return OUTCOME_FAILED;
  if (a == OUTCOME_UNPARSEABLE || b == OUTCOME_UNPARSEABLE)
    return OUTCOME_UNPARSEABLE;
  *both = TRUE;
  if (a == b)
    return a;
  /* The verdict depends on where the answers stand: no preference. */
  *flipped = TRUE;
  return OUTCOME_TIE;
}

typedef struct
{
  double sum;
  guint n;
} PromptScore;

void
debrief_judgements_summarize (GPtrArray           *judgements,
                              const char          *candidate,
                              DebriefJudgeSummary *summary)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) scores = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_auto(GStrv) candidates = NULL;
  GHashTableIter iter;
  gpointer value;

  memset (summary, 0, sizeof *summary);
  if (candidate == NULL)
    {
      candidates = debrief_judgements_candidates (judgements);
      candidate = candidates[0];
    }
  for (guint i = 0; candidate != NULL && i < judgements->len; i++)
    {
      DebriefJudgement *j = g_ptr_array_index (judgements, i);
      g_autofree char *key = NULL;
      GPtrArray *group;

      if (g_strcmp0 (j->candidate, candidate) != 0)
        continue;
      key = g_strdup_printf ("%u\x1f%s", j->sample_index, j->prompt);
      group = g_hash_table_lookup (groups, key);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_ptr_array_add (order, j);
          g_hash_table_insert (groups, g_steal_pointer (&key), group);
        }
      g_ptr_array_add (group, j);
    }
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *group = value;
      const DebriefJudgement *any = g_ptr_array_index (group, 0);
      gboolean flipped, both;
      Outcome o = pair_outcome (group, &flipped, &both);
      PromptScore *score;

      summary->position_flips += flipped;
      summary->both_orders += both;
      switch (o)
        {
        case OUTCOME_WIN: summary->wins++; break;
        case OUTCOME_LOSS: summary->losses++; break;
        case OUTCOME_TIE: summary->ties++; break;
        case OUTCOME_UNPARSEABLE: summary->unparseable++; break;
        case OUTCOME_FAILED: summary->failed++; break;
        case OUTCOME_INCOMPLETE:
        default: summary->incomplete++; break;
        }
      if (o != OUTCOME_WIN && o != OUTCOME_LOSS && o != OUTCOME_TIE)
        continue;
      /* Several samples of a prompt are one observation of it. */
      score = g_hash_table_lookup (scores, any->prompt);
      if (score == NULL)
        {
          score = g_new0 (PromptScore, 1);
          g_hash_table_insert (scores, any->prompt, score);
        }
      score->sum += o == OUTCOME_WIN ? 1.0 : o == OUTCOME_TIE ? 0.5 : 0.0;
      score->n++;
    }
  g_hash_table_iter_init (&iter, scores);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PromptScore *score = value;

      summary->prompts++;
      summary->prompt_successes += score->sum / score->n;
    }
  debrief_judge_summary_compute (summary);
}

static const char *
last_judge_model (GPtrArray *judgements)
{
  for (guint i = judgements->len; i > 0; i--)
    {
      DebriefJudgement *j = g_ptr_array_index (judgements, i - 1);

      if (j->judge_model != NULL)
        return j->judge_model;
    }
  return NULL;
}

char *
debrief_judgements_to_markdown (GPtrArray *judgements)
{
  g_auto(GStrv) candidates = debrief_judgements_candidates (judgements);
  const char *judge_model = last_judge_model (judgements);
  GString *out;

  if (g_strv_length (candidates) <= 1)
    {
      DebriefJudgeSummary s;

      debrief_judgements_summarize (judgements, candidates[0], &s);
      return debrief_judge_summary_to_markdown (&s, judge_model);
    }
  out = g_string_new (NULL);
  if (judge_model != NULL)
    g_string_append_printf (out, "Pairwise comparison by `%s` of each checkpoint with the base model, each pair judged "
                                 "in both orders (a verdict that changes with the order counts as a tie).\n\n", judge_model);
  append_table_header (out, TRUE);
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      DebriefJudgeSummary s;

      debrief_judgements_summarize (judgements, candidates[i], &s);
      append_table_row (out, candidates[i], &s);
    }
  g_string_append_c (out, '\n');
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      DebriefJudgeSummary s;
      g_autofree char *sentence = NULL;

      debrief_judgements_summarize (judgements, candidates[i], &s);
      sentence = debrief_judge_summary_describe (&s);
      g_string_append_printf (out, "**Verdict for `%s`:** %s\n\n", candidates[i], sentence);
    }
  g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

gboolean
debrief_judge_summary_load (const char          *path,
                            DebriefJudgeSummary *summary,
                            char               **judge_model,
                            GError             **error)
{
  g_autoptr(GPtrArray) judgements = NULL;

  memset (summary, 0, sizeof *summary);
  if (judge_model != NULL)
    *judge_model = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("%s: no such file"), path);
      return FALSE;
    }
  judgements = debrief_judgements_load (path, error);
  if (judgements == NULL)
    return FALSE;
  debrief_judgements_summarize (judgements, NULL, summary);
  if (judge_model != NULL)
    *judge_model = g_strdup (last_judge_model (judgements));
  return TRUE;
}

void
debrief_judge_report_blocks (GFile  *folder,
                             char  **samples_markdown,
                             char  **judge_markdown)
{
  g_autofree char *dir = g_file_get_path (folder);
  g_autofree char *samples_path = NULL;
  g_autofree char *judgements_path = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) judgements = NULL;

  *samples_markdown = NULL;
  *judge_markdown = NULL;
  if (dir == NULL)
    return;
  samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  judgements_path = g_build_filename (dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  samples = debrief_samples_load (samples_path, NULL, NULL);
  if (samples != NULL && samples->len > 0)
    *samples_markdown = debrief_samples_to_markdown (samples);
  judgements = debrief_judgements_load (judgements_path, NULL);
  if (judgements != NULL && judgements->len > 0)
    *judge_markdown = debrief_judgements_to_markdown (judgements);
}

/* ---- running the judge ---- */

struct _DebriefJudge
{
  GObject parent_instance;

  DebriefClient *client;
  char *model;
  guint32 seed;
  gboolean single_order;
  gboolean rejudge;
  char *primary;
  GPtrArray *existing;      /* DebriefJudgement*, or NULL */
  GPtrArray *results;       /* of the last run */
  guint n_reused;
};

G_DEFINE_FINAL_TYPE (DebriefJudge, debrief_judge, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char *candidate;
  DebriefSample *tuned;
  DebriefSample *base;
  char *tuned_hash;
  char *base_hash;
} Pair;

typedef struct
{
  GPtrArray *pairs;         /* Pair* */
  char *path;
  guint pending;
  guint done;
  guint total;
  guint cancelled;
  guint new_ok;             /* requests that came back (parsed or not) */
  GPtrArray *judgements;    /* DebriefJudgement*: kept + new */
  GError *first_error;
  DebriefJsonlWriter *writer;  /* path's lines, NULL without a path */
} Run;

typedef struct
{
  GTask *task;
  Pair *pair;
  DebriefJudgeOrder order;
} JudgeRequest;

static void
pair_free (Pair *pair)
{
  g_free (pair->candidate);
  debrief_sample_free (pair->tuned);
  debrief_sample_free (pair->base);
  g_free (pair->tuned_hash);
  g_free (pair->base_hash);
  g_free (pair);
}

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->pairs);
  g_ptr_array_unref (run->judgements);
  g_free (run->path);
  g_clear_object (&run->writer);
  g_clear_error (&run->first_error);
  g_free (run);
}

/* The texts judged, so that a judgement is reused only for the same texts. */
static char *
text_hash (const char *text)
{
  g_autofree char *full = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text != NULL ? text : "", -1);

  return g_strndup (full, 16);
}

char *
debrief_judge_build_prompt (const char *prompt,
                            const char *response_a,
                            const char *response_b)
{
  return g_strdup_printf ("[User prompt]\n%s\n\n"
                          "[The start of response A]\n%s\n[The end of response A]\n\n"
                          "[The start of response B]\n%s\n[The end of response B]\n\n"
                          "Which response is better? End with [[A]], [[B]] or [[tie]].",
                          prompt, response_a, response_b);
}

static DebriefJudgement *
judgement_for (DebriefJudge      *self,
               Pair              *pair,
               DebriefJudgeOrder  order)
{
  DebriefJudgement *j = judgement_new ();

  j->prompt = g_strdup (pair->tuned->prompt);
  j->candidate = g_strdup (pair->candidate);
  j->checkpoint = g_strdup (pair->tuned->checkpoint);
  j->step = pair->tuned->step;
  j->sample_index = pair->tuned->sample_index;
  j->judge_model = g_strdup (self->model);
  j->fine_tuned_model = g_strdup (pair->tuned->model);
  j->baseline_model = g_strdup (pair->base->model);
  j->fine_tuned_hash = g_strdup (pair->tuned_hash);
  j->baseline_hash = g_strdup (pair->base_hash);
  j->order = order;
  j->single_order = self->single_order;
  return j;
}

/* An earlier judgement of the same request that did not fail, or NULL. */
static const DebriefJudgement *
find_judged (DebriefJudge           *self,
             const DebriefJudgement *want)
{
  if (self->existing == NULL || self->rejudge)
    return NULL;
  for (guint i = self->existing->len; i > 0; i--)
    {
      const DebriefJudgement *j = g_ptr_array_index (self->existing, i - 1);

      if (j->error == NULL && j->fine_tuned_hash != NULL && j->order == want->order &&
          j->single_order == want->single_order && j->sample_index == want->sample_index &&
          g_strcmp0 (j->candidate, want->candidate) == 0 && g_strcmp0 (j->prompt, want->prompt) == 0 &&
          g_strcmp0 (j->fine_tuned_hash, want->fine_tuned_hash) == 0 &&
          g_strcmp0 (j->baseline_hash, want->baseline_hash) == 0 &&
          g_strcmp0 (j->judge_model, want->judge_model) == 0)
        return j;
    }
  return NULL;
}

static void run_return (GTask *task);

static void
judgement_written_cb (const GError *write_error,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  if (write_error != NULL)
    {
      g_warning ("%s", write_error->message);
      if (run->first_error == NULL)
        run->first_error = g_error_copy (write_error);
    }
  if (--run->pending == 0)
    run_return (task);
}

/* Written off this thread (the run folder may be remote); the run counts the
 * write as pending, so it returns once every judgement is on disk. */
static void
write_judgement (GTask                  *task,
                 const DebriefJudgement *j)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *json = NULL;
  g_autofree char *line = NULL;

  if (run->writer == NULL)
    return;
  json = debrief_judgement_to_json (j);
  line = g_strconcat (json, "\n", NULL);
  run->pending++;
  debrief_jsonl_writer_append (run->writer, line, judgement_written_cb, task);
}

static void
run_return (GTask *task)
{
  DebriefJudge *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  DebriefJudgeSummary summary;
  g_auto(GStrv) candidates = debrief_judgements_candidates (run->judgements);
  const char *primary = candidates[0];

  g_clear_pointer (&self->results, g_ptr_array_unref);
  self->results = g_ptr_array_ref (run->judgements);
  if (self->primary != NULL && g_strv_contains ((const char *const *) candidates, self->primary))
    primary = self->primary;
  debrief_judgements_summarize (run->judgements, primary, &summary);
  if (run->cancelled > 0)
    {
      if (run->new_ok > 0 || self->n_reused > 0)
        g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL,
                                 g_dngettext (GETTEXT_PACKAGE, "Judging was cancelled; %u judgement was kept",
                                              "Judging was cancelled; %u judgements were kept",
                                              run->new_ok + self->n_reused),
                                 run->new_ok + self->n_reused);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Judging was cancelled"));
    }
  else if (run->new_ok == 0 && self->n_reused == 0 && run->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&run->first_error));
  else
    g_task_return_pointer (task, debrief_judge_summary_copy (&summary), (GDestroyNotify) debrief_judge_summary_free);
  g_object_unref (task);
}

static void
judge_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  JudgeRequest *req = data;
  GTask *task = req->task;
  DebriefJudge *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefCompletion) c = debrief_client_complete_finish (DEBRIEF_CLIENT (source), result, NULL, &error);
  DebriefJudgement *j;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (c == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    run->cancelled++;
  else
    {
      j = judgement_for (self, req->pair, req->order);
      j->time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
      if (c == NULL)
        {
          j->error = g_strdup (error->message);
          if (run->first_error == NULL)
            run->first_error = g_error_copy (error);
        }
      else
        {
          g_autofree char *valid = g_utf8_make_valid (c->text, -1);
          gboolean tuned_first = req->order != DEBRIEF_JUDGE_ORDER_BASELINE_FIRST;

          if (g_utf8_strlen (valid, -1) > STORED_ANSWER_CHARS)
            *g_utf8_offset_to_pointer (valid, STORED_ANSWER_CHARS) = '\0';
          j->answer = g_steal_pointer (&valid);
          j->parsed = debrief_judge_parse_answer (c->text, -1);
          if (j->parsed == DEBRIEF_JUDGE_ANSWER_TIE)
            j->winner = g_strdup ("tie");
          else if (j->parsed == DEBRIEF_JUDGE_ANSWER_A || j->parsed == DEBRIEF_JUDGE_ANSWER_B)
            j->winner = g_strdup ((j->parsed == DEBRIEF_JUDGE_ANSWER_A) == tuned_first ? "fine-tuned" : "baseline");
          run->new_ok++;
        }
      write_judgement (task, j);
      g_ptr_array_add (run->judgements, j);
    }
  g_free (req);
  run->done++;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, run->done, run->total);
  if (--run->pending == 0)
    run_return (task);
}

/* The baseline answer to judge @tuned against: the same prompt and sample, else its first sample. */
static DebriefSample *
find_baseline (GPtrArray           *latest,
               const DebriefSample *tuned)
{
  DebriefSample *first = NULL;

  for (guint j = 0; j < latest->len; j++)
    {
      DebriefSample *base = g_ptr_array_index (latest, j);

      if (base->role != DEBRIEF_ROLE_BASELINE || strcmp (base->prompt, tuned->prompt) != 0)
        continue;
      if (base->sample_index == tuned->sample_index)
        return base;
      if (base->sample_index == 0)
        first = base;
    }
  return first;
}

void
debrief_judge_run_async (DebriefJudge        *self,
                         GPtrArray           *samples,
                         const char          *judgements_path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Run *run;
  g_autoptr(GPtrArray) latest = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new ();
  g_autoptr(GRand) rand = NULL;

  g_return_if_fail (DEBRIEF_IS_JUDGE (self));
  g_return_if_fail (samples != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_judge_run_async);
  g_task_set_check_cancellable (task, FALSE);
  run = g_new0 (Run, 1);
  run->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  run->judgements = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_judgement_free);
  run->path = g_strdup (judgements_path);
  if (judgements_path != NULL)
    run->writer = debrief_jsonl_writer_new (judgements_path);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  self->n_reused = 0;

  /* Each fine-tuned answer (the newest per checkpoint, prompt and sample) with the baseline's. */
  latest = debrief_samples_latest (samples);
  for (guint i = 0; i < latest->len; i++)
    {
      DebriefSample *tuned = g_ptr_array_index (latest, i);
      DebriefSample *base;
      Pair *pair;

      if (tuned->role != DEBRIEF_ROLE_FINE_TUNED || (base = find_baseline (latest, tuned)) == NULL)
        continue;
      pair = g_new0 (Pair, 1);
      pair->candidate = g_strdup (debrief_sample_get_label (tuned));
      pair->tuned = debrief_sample_copy (tuned);
      pair->base = debrief_sample_copy (base);
      pair->tuned_hash = text_hash (tuned->text);
      pair->base_hash = text_hash (base->text);
      g_ptr_array_add (run->pairs, pair);
    }
  if (run->pairs->len == 0)
    {
      g_clear_pointer (&self->results, g_ptr_array_unref);
      self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_judgement_free);
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA,
                               _("No prompt has both a fine-tuned and a baseline sample to compare"));
      g_object_unref (task);
      return;
    }

  /* Draw every single order first, so the orders depend on the seed only. */
  rand = g_rand_new_with_seed (self->seed);
  for (guint i = 0; i < run->pairs->len; i++)
    {
      Pair *pair = g_ptr_array_index (run->pairs, i);
      DebriefJudgeOrder orders[2] = { DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST, DEBRIEF_JUDGE_ORDER_BASELINE_FIRST };
      guint n = 2;

      if (self->single_order)
        {
          orders[0] = g_rand_boolean (rand) ? DEBRIEF_JUDGE_ORDER_BASELINE_FIRST : DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST;
          n = 1;
        }
      for (guint o = 0; o < n; o++)
        {
          g_autoptr(DebriefJudgement) want = judgement_for (self, pair, orders[o]);
          const DebriefJudgement *done = find_judged (self, want);

          if (done != NULL)
            {
              g_ptr_array_add (run->judgements, debrief_judgement_copy (done));
              self->n_reused++;
            }
          else
            {
              JudgeRequest *req = g_new0 (JudgeRequest, 1);

              req->task = task;
              req->pair = pair;
              req->order = orders[o];
              g_ptr_array_add (requests, req);
            }
        }
    }

  run->total = run->pending = requests->len;
  if (requests->len == 0)
    {
      run_return (task);
      return;
    }
  for (guint i = 0; i < requests->len; i++)
    {
      JudgeRequest *req = g_ptr_array_index (requests, i);
      Pair *pair = req->pair;
      gboolean tuned_first = req->order != DEBRIEF_JUDGE_ORDER_BASELINE_FIRST;
      DebriefCompletionRequest creq = DEBRIEF_COMPLETION_REQUEST_INIT;
      g_autofree char *user = debrief_judge_build_prompt (pair->tuned->prompt,
                                                          tuned_first ? pair->tuned->text : pair->base->text,
                                                          tuned_first ? pair->base->text : pair->tuned->text);

      creq.api = DEBRIEF_API_CHAT;
      creq.model = self->model;
      creq.system = judge_system;
      creq.prompt = user;
      creq.temperature = 0.0;   /* the most likely verdict, repeatably */
      creq.max_tokens = JUDGE_MAX_TOKENS;
      creq.stream = TRUE;
      debrief_client_complete_async (self->client, &creq, NULL, NULL, cancellable, judge_done_cb, req);
    }
}

DebriefJudgeSummary *
debrief_judge_run_finish (DebriefJudge  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
debrief_judge_get_judgements (DebriefJudge *self)
{
  return self->results;
}

guint
debrief_judge_get_n_reused (DebriefJudge *self)
{
  return self->n_reused;
}

void
debrief_judge_set_seed (DebriefJudge *self,
                        guint32       seed)
{
  self->seed = seed;
}

void
debrief_judge_set_single_order (DebriefJudge *self,
                                gboolean      single)
{
  self->single_order = single;
}

void
debrief_judge_set_existing (DebriefJudge *self,
                            GPtrArray    *judgements)
{
  g_clear_pointer (&self->existing, g_ptr_array_unref);
  if (judgements != NULL)
    self->existing = g_ptr_array_ref (judgements);
}

void
debrief_judge_set_rejudge (DebriefJudge *self,
                           gboolean      rejudge)
{
  self->rejudge = rejudge;
}

void
debrief_judge_set_primary (DebriefJudge *self,
                           const char   *candidate)
{
  g_free (self->primary);
  self->primary = g_strdup (candidate);
}

static void
debrief_judge_finalize (GObject *object)
{
  DebriefJudge *self = DEBRIEF_JUDGE (object);

  g_clear_object (&self->client);
  g_free (self->model);
  g_free (self->primary);
  g_clear_pointer (&self->existing, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  G_OBJECT_CLASS (debrief_judge_parent_class)->finalize (object);
}

static void
debrief_judge_class_init (DebriefJudgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = debrief_judge_finalize;
  /* (done, total) */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
debrief_judge_init (DebriefJudge *self)
{
  self->seed = g_random_int ();
}

DebriefJudge *
debrief_judge_new (DebriefClient *client,
                   const char    *judge_model)
{
  DebriefJudge *self;

  g_return_val_if_fail (DEBRIEF_IS_CLIENT (client), NULL);

  self = g_object_new (DEBRIEF_TYPE_JUDGE, NULL);
  self->client = g_object_ref (client);
  self->model = g_strdup (judge_model);
  return self;
}
