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

void
debrief_judge_summary_compute (DebriefJudgeSummary *s)
{
  s->judged = s->wins + s->losses + s->ties;
  if (s->judged == 0)
    {
      s->win_rate = NAN;
      s->low = 0.0;
      s->high = 1.0;
      s->verdict = DEBRIEF_VERDICT_NO_DATA;
      s->too_wide = TRUE;
      return;
    }
  s->win_rate = (s->wins + s->ties / 2.0) / s->judged;
  debrief_wilson_interval (s->wins + s->ties / 2.0, s->judged, DEBRIEF_JUDGE_Z, &s->low, &s->high);
  if (s->win_rate > DEBRIEF_JUDGE_SUCCESS_RATE)
    s->verdict = DEBRIEF_VERDICT_SUCCESS;
  else if (s->win_rate < DEBRIEF_JUDGE_ITERATE_RATE)
    s->verdict = DEBRIEF_VERDICT_ITERATE;
  else
    s->verdict = DEBRIEF_VERDICT_INCONCLUSIVE;
  /* Too wide to trust: the plausible range holds both a failure and a success. */
  s->too_wide = s->low < DEBRIEF_JUDGE_ITERATE_RATE && s->high > DEBRIEF_JUDGE_SUCCESS_RATE;
}

static char *
percent (double v)
{
  return g_strdup_printf ("%d%%", (int) lround (v * 100.0));
}

char *
debrief_judge_summary_describe (const DebriefJudgeSummary *s)
{
  g_autofree char *rate = NULL;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;
  GString *out = g_string_new (NULL);

  if (s->judged == 0)
    {
      g_string_append_printf (out, "No usable judgement (%u unparseable, %u failed): nothing to conclude yet.",
                              s->unparseable, s->failed);
      return g_string_free (out, FALSE);
    }
  rate = percent (s->win_rate);
  lo = percent (s->low);
  hi = percent (s->high);
  g_string_append_printf (out, "Win rate %s (95%% CI %s–%s) over %u judged prompts: %u wins, %u ties, %u losses",
                          rate, lo, hi, s->judged, s->wins, s->ties, s->losses);
  if (s->unparseable > 0 || s->failed > 0)
    g_string_append_printf (out, "; %u unparseable and %u failed judgements excluded", s->unparseable, s->failed);
  g_string_append (out, ". ");
  switch (s->verdict)
    {
    case DEBRIEF_VERDICT_SUCCESS:
      g_string_append (out, "Above 55%: success, the fine-tuned model beats the base model; consider deployment.");
      break;
    case DEBRIEF_VERDICT_ITERATE:
      g_string_append (out, "Below 50%: the fine-tuned model does not beat the base model; investigate failure modes and iterate.");
      break;
    case DEBRIEF_VERDICT_INCONCLUSIVE:
    case DEBRIEF_VERDICT_NO_DATA:
    default:
      g_string_append (out, "Between 50% and 55%: inconclusive; judge more prompts.");
      break;
    }
  if (s->too_wide)
    g_string_append (out, " The interval spans both outcomes, so it is too wide to trust this verdict: judge more prompts.");
  return g_string_free (out, FALSE);
}

char *
debrief_judge_summary_to_markdown (const DebriefJudgeSummary *s,
                                   const char                *judge_model)
{
  g_autofree char *sentence = debrief_judge_summary_describe (s);
  GString *out = g_string_new (NULL);

  if (judge_model != NULL && judge_model[0] != '\0')
    g_string_append_printf (out, "Pairwise comparison by `%s`, the order of the two responses randomised per prompt.\n\n",
                            judge_model);
  if (s->judged > 0)
    {
      g_autofree char *rate = percent (s->win_rate);
      g_autofree char *lo = percent (s->low);
      g_autofree char *hi = percent (s->high);

      g_string_append (out, "| wins | ties | losses | excluded | win rate | 95% interval |\n");
      g_string_append (out, "|---:|---:|---:|---:|---:|---|\n");
      g_string_append_printf (out, "| %u | %u | %u | %u | %s | %s–%s |\n\n", s->wins, s->ties, s->losses,
                              s->unparseable + s->failed, rate, lo, hi);
    }
  g_string_append_printf (out, "**Verdict:** %s\n", sentence);
  return g_string_free (out, FALSE);
}

gboolean
debrief_judge_summary_load (const char          *path,
                            DebriefJudgeSummary *summary,
                            char               **judge_model,
                            GError             **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer value;
  char *line;
  char *next;

  memset (summary, 0, sizeof *summary);
  if (judge_model != NULL)
    *judge_model = NULL;
  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonNode *root;
      JsonObject *obj;
      const char *prompt;
      const char *outcome;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (!json_parser_load_from_data (parser, line, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      obj = json_node_get_object (root);
      prompt = json_object_get_string_member_with_default (obj, "prompt", NULL);
      if (prompt == NULL)
        continue;
      if (judge_model != NULL && json_object_get_string_member_with_default (obj, "judge_model", NULL) != NULL)
        {
          g_free (*judge_model);
          *judge_model = g_strdup (json_object_get_string_member (obj, "judge_model"));
        }
      if (json_object_has_member (obj, "error") && !json_object_get_null_member (obj, "error"))
        outcome = "failed";
      else
        {
          outcome = json_object_get_string_member_with_default (obj, "winner", NULL);
          if (outcome == NULL)
            outcome = "unparseable";
        }
      g_hash_table_replace (latest, g_strdup (prompt), g_strdup (outcome));
    }
  g_hash_table_iter_init (&iter, latest);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (strcmp (value, "fine-tuned") == 0)
        summary->wins++;
      else if (strcmp (value, "baseline") == 0)
        summary->losses++;
      else if (strcmp (value, "tie") == 0)
        summary->ties++;
      else if (strcmp (value, "failed") == 0)
        summary->failed++;
      else
        summary->unparseable++;
    }
  debrief_judge_summary_compute (summary);
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
  g_autofree char *judge_model = NULL;
  DebriefJudgeSummary summary;

  *samples_markdown = NULL;
  *judge_markdown = NULL;
  if (dir == NULL)
    return;
  samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  judgements_path = g_build_filename (dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  samples = debrief_samples_load (samples_path, NULL, NULL);
  if (samples != NULL && samples->len > 0)
    *samples_markdown = debrief_samples_to_markdown (samples);
  if (g_file_test (judgements_path, G_FILE_TEST_IS_REGULAR) &&
      debrief_judge_summary_load (judgements_path, &summary, &judge_model, NULL) &&
      summary.judged + summary.unparseable + summary.failed > 0)
    *judge_markdown = debrief_judge_summary_to_markdown (&summary, judge_model);
}

/* ---- running the judge ---- */

struct _DebriefJudge
{
  GObject parent_instance;

  DebriefClient *client;
  char *model;
  guint32 seed;
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
  char *prompt;
  DebriefSample *tuned;
  DebriefSample *base;
  gboolean tuned_is_b;      /* the drawn order */
} Pair;

typedef struct
{
  GPtrArray *pairs;         /* Pair* */
  char *path;
  guint pending;
  guint done;
  guint cancelled;
  DebriefJudgeSummary summary;
  GError *first_error;
} Run;

static void
pair_free (Pair *pair)
{
  debrief_sample_free (pair->tuned);
  debrief_sample_free (pair->base);
  g_free (pair);
}

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->pairs);
  g_free (run->path);
  g_clear_error (&run->first_error);
  g_free (run);
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

typedef struct
{
  GTask *task;
  Pair *pair;
} JudgeRequest;

static void
write_judgement (Run          *run,
                 DebriefJudge *self,
                 Pair         *pair,
                 const char   *answer_text,
                 DebriefJudgeAnswer answer,
                 const char   *winner,
                 const GError *error)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) write_error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *line = NULL;
  g_autofree char *stamp = NULL;

  if (run->path == NULL)
    return;
  b = json_builder_new_immutable ();
  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt");
  json_builder_add_string_value (b, pair->prompt);
  json_builder_set_member_name (b, "judge_model");
  json_builder_add_string_value (b, self->model);
  json_builder_set_member_name (b, "fine_tuned_model");
  json_builder_add_string_value (b, pair->tuned->model != NULL ? pair->tuned->model : "");
  json_builder_set_member_name (b, "baseline_model");
  json_builder_add_string_value (b, pair->base->model != NULL ? pair->base->model : "");
  json_builder_set_member_name (b, "a");
  json_builder_add_string_value (b, pair->tuned_is_b ? "baseline" : "fine-tuned");
  json_builder_set_member_name (b, "b");
  json_builder_add_string_value (b, pair->tuned_is_b ? "fine-tuned" : "baseline");
  json_builder_set_member_name (b, "answer");
  if (answer_text != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (answer_text, -1);
      glong chars = g_utf8_strlen (valid, -1);

      if (chars > STORED_ANSWER_CHARS)
        *g_utf8_offset_to_pointer (valid, STORED_ANSWER_CHARS) = '\0';
      json_builder_add_string_value (b, valid);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "parsed");
  json_builder_add_string_value (b, error != NULL ? "failed" : debrief_judge_answer_to_string (answer));
  json_builder_set_member_name (b, "winner");
  if (winner != NULL)
    json_builder_add_string_value (b, winner);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "error");
  if (error != NULL)
    json_builder_add_string_value (b, error->message);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, stamp);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  line = g_strconcat (json, "\n", NULL);
  if (!debrief_jsonl_append_line (run->path, line, &write_error))
    {
      g_warning ("%s", write_error->message);
      if (run->first_error == NULL)
        run->first_error = g_steal_pointer (&write_error);
    }
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
  Pair *pair = req->pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefCompletion) c = debrief_client_complete_finish (DEBRIEF_CLIENT (source), result, NULL, &error);

  g_free (req);
  if (c == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    run->cancelled++;
  else if (c == NULL)
    {
      run->summary.failed++;
      write_judgement (run, self, pair, NULL, DEBRIEF_JUDGE_ANSWER_UNPARSEABLE, NULL, error);
      if (run->first_error == NULL)
        run->first_error = g_error_copy (error);
    }
  else
    {
      DebriefJudgeAnswer answer = debrief_judge_parse_answer (c->text, -1);
      const char *winner = NULL;

      switch (answer)
        {
        case DEBRIEF_JUDGE_ANSWER_A:
        case DEBRIEF_JUDGE_ANSWER_B:
          {
            gboolean tuned_won = (answer == DEBRIEF_JUDGE_ANSWER_B) == pair->tuned_is_b;

            winner = tuned_won ? "fine-tuned" : "baseline";
            if (tuned_won)
              run->summary.wins++;
            else
              run->summary.losses++;
          }
          break;
        case DEBRIEF_JUDGE_ANSWER_TIE:
          winner = "tie";
          run->summary.ties++;
          break;
        case DEBRIEF_JUDGE_ANSWER_UNPARSEABLE:
        default:
          run->summary.unparseable++;
          break;
        }
      write_judgement (run, self, pair, c->text, answer, winner, NULL);
    }
  run->done++;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, run->done, run->pairs->len);

  if (--run->pending > 0)
    return;
  debrief_judge_summary_compute (&run->summary);
  if (run->cancelled > 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Judging was cancelled"));
  else if (run->summary.judged == 0 && run->summary.unparseable == 0 && run->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&run->first_error));
  else
    g_task_return_pointer (task, debrief_judge_summary_copy (&run->summary),
                           (GDestroyNotify) debrief_judge_summary_free);
  g_object_unref (task);
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
  g_autoptr(GRand) rand = NULL;

  g_return_if_fail (DEBRIEF_IS_JUDGE (self));
  g_return_if_fail (samples != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_judge_run_async);
  run = g_new0 (Run, 1);
  run->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  run->path = g_strdup (judgements_path);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  /* Pair the newest fine-tuned and baseline answer of each prompt, in prompt order. */
  latest = debrief_samples_latest (samples);
  for (guint i = 0; i < latest->len; i++)
    {
      DebriefSample *tuned = g_ptr_array_index (latest, i);

      if (tuned->role != DEBRIEF_ROLE_FINE_TUNED)
        continue;
      for (guint j = 0; j < latest->len; j++)
        {
          DebriefSample *base = g_ptr_array_index (latest, j);

          if (base->role == DEBRIEF_ROLE_BASELINE && strcmp (base->prompt, tuned->prompt) == 0)
            {
              Pair *pair = g_new0 (Pair, 1);

              pair->prompt = tuned->prompt;
              pair->tuned = debrief_sample_copy (tuned);
              pair->base = debrief_sample_copy (base);
              pair->prompt = pair->tuned->prompt;
              g_ptr_array_add (run->pairs, pair);
              break;
            }
        }
    }
  if (run->pairs->len == 0)
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA,
                               _("No prompt has both a fine-tuned and a baseline sample to compare"));
      g_object_unref (task);
      return;
    }

  /* Draw every order first, so the orders depend on the seed only. */
  rand = g_rand_new_with_seed (self->seed);
  for (guint i = 0; i < run->pairs->len; i++)
    ((Pair *) g_ptr_array_index (run->pairs, i))->tuned_is_b = g_rand_boolean (rand);

  run->pending = run->pairs->len;
  for (guint i = 0; i < run->pairs->len; i++)
    {
      Pair *pair = g_ptr_array_index (run->pairs, i);
      DebriefCompletionRequest creq = DEBRIEF_COMPLETION_REQUEST_INIT;
      g_autofree char *user = debrief_judge_build_prompt (pair->prompt,
                                                          pair->tuned_is_b ? pair->base->text : pair->tuned->text,
                                                          pair->tuned_is_b ? pair->tuned->text : pair->base->text);
      JudgeRequest *req = g_new0 (JudgeRequest, 1);

      req->task = task;
      req->pair = pair;
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

void
debrief_judge_set_seed (DebriefJudge *self,
                        guint32       seed)
{
  self->seed = seed;
}

static void
debrief_judge_finalize (GObject *object)
{
  DebriefJudge *self = DEBRIEF_JUDGE (object);

  g_clear_object (&self->client);
  g_free (self->model);
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
