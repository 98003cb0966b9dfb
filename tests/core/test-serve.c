/* test-serve.c: launch lines per server for an HF/PEFT run, shell quoting
 * checked by a real /bin/sh, GGUF metadata (tests/data/bad-gguf/)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "debrief-core.h"
#include "debrief-gguf-private.h"
#include "debrief-llama-server-private.h"
#include "debrief-test-core-utils.h"

#define BASE "meta-llama/Llama-3.2-1B-Instruct"
/* Every character a shell or a server's argument parser treats specially. */
#define AWKWARD_NAME "peft run 'q' \"dq\" a,b=c $HOME"

static char *tmp_root;

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static char *
adapter_config (const char *base,
                int         rank)
{
  return g_strdup_printf ("{\"base_model_name_or_path\": \"%s\", \"peft_type\": \"LORA\", \"r\": %d, "
                          "\"lora_alpha\": %d, \"target_modules\": [\"q_proj\", \"v_proj\"], "
                          "\"task_type\": \"CAUSAL_LM\"}", base, rank, 2 * rank);
}

/* An HF Trainer + PEFT run: checkpoints 100, 200 (the best: lowest eval loss,
 * and best_model_checkpoint), 300 (the last), and the final adapter in the
 * folder itself. */
static char *
make_peft_run (const char *name,
               const char *base,
               int         rank)
{
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autofree char *config = adapter_config (base, rank);
  GString *state = g_string_new ("{\"best_metric\": 1.5, \"best_model_checkpoint\": \"/train/out/checkpoint-200\", "
                                 "\"global_step\": 300, \"max_steps\": 300, \"log_history\": [");

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (int step = 10; step <= 300; step += 10)
    {
      g_string_append_printf (state, "%s{\"loss\": %g, \"step\": %d}", step > 10 ? ", " : "", 2.5 - step / 300.0, step);
      if (step % 100 == 0)
        g_string_append_printf (state, ", {\"eval_loss\": %s, \"step\": %d}",
                                step == 100 ? "1.8" : step == 200 ? "1.5" : "1.6", step);
    }
  g_string_append (state, "]}");
  write_file (dir, "trainer_state.json", state->str);
  g_string_free (state, TRUE);
  write_file (dir, "adapter_config.json", config);
  write_file (dir, "adapter_model.safetensors", "weights");
  for (int step = 100; step <= 300; step += 100)
    {
      g_autofree char *ck = g_strdup_printf ("%s/checkpoint-%d", dir, step);

      g_assert_cmpint (g_mkdir (ck, 0755), ==, 0);
      write_file (ck, "adapter_config.json", config);
      write_file (ck, "adapter_model.safetensors", "weights");
    }
  return g_steal_pointer (&dir);
}

static DebriefRun *
load (const char *dir)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  DebriefRun *run = debrief_run_load (folder, NULL, &error);

  g_assert_no_error (error);
  return run;
}

/* What /bin/sh makes of @command: its words, after quote removal. */
static GStrv
sh_words (const char *command)
{
  g_autofree char *script = g_strconcat ("set -- ", command, "\nfor a do printf '%s\\0' \"$a\"; done", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/bin/sh", "-c", script, NULL);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  const char *p;
  gsize len;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
  p = g_bytes_get_data (out, &len);
  for (gsize i = 0; i < len;)
    {
      gsize n = strnlen (p + i, len - i);

      g_strv_builder_add (words, p + i);
      i += n + 1;
    }
  return g_strv_builder_end (words);
}

/* The word after @flag in @words (the @nth occurrence), or NULL. */
static const char *
word_after (GStrv       words,
            const char *flag,
            guint       nth)
{
  for (guint i = 0; words[i] != NULL && words[i + 1] != NULL; i++)
    if (strcmp (words[i], flag) == 0 && nth-- == 0)
      return words[i + 1];
  return NULL;
}

static DebriefServePlan *
plan_for (DebriefRun        *run,
          DebriefServer      server,
          const char *const *checkpoints)
{
  DebriefServePlan *plan = debrief_serve_plan_new (run, server, checkpoints, NULL);

  g_assert_nonnull (plan);
  return plan;
}

static const char *
step_command (DebriefServePlan *plan,
              guint             i)
{
  g_assert_cmpuint (i, <, plan->steps->len);
  return ((DebriefServeStep *) g_ptr_array_index (plan->steps, i))->command;
}

static const DebriefServeModel *
model_at (DebriefServePlan *plan,
          guint             i)
{
  g_assert_cmpuint (i, <, plan->models->len);
  return g_ptr_array_index (plan->models, i);
}

static gboolean
has_note (DebriefServePlan *plan,
          const char       *substring)
{
  for (guint i = 0; i < plan->notes->len; i++)
    if (strstr (g_ptr_array_index (plan->notes, i), substring) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_shell_quote (void)
{
  const char *const values[] = {
    "plain", "/a/b-c_d.e:f@g%h+i=j,k", "", "with space", "it's", "a\"b", "$HOME", "`id`", "$(id)",
    "back\\slash", "new\nline", "tab\there", "*?[a]", "~user", "é ünïcode", "'", "''", "a'b'c", "!x", "#x", "a;b&c|d",
    NULL,
  };
  g_autoptr(GString) command = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *q = debrief_shell_quote (values[i]);

      g_string_append_printf (command, "%s%s", i > 0 ? " " : "", q);
    }
  words = sh_words (command->str);
  g_assert_cmpuint (g_strv_length (words), ==, g_strv_length ((char **) values));
  for (guint i = 0; values[i] != NULL; i++)
    g_assert_cmpstr (words[i], ==, values[i]);
  /* Nothing is quoted that needs no quotes: the lines stay readable. */
  {
    g_autofree char *plain = debrief_shell_quote ("/runs/a-b/checkpoint-480");

    g_assert_cmpstr (plain, ==, "/runs/a-b/checkpoint-480");
  }
}

static void
test_checkpoints (void)
{
  g_autofree char *dir = make_peft_run ("ckpts", BASE, 16);
  g_autoptr(DebriefRun) run = load (dir);
  g_auto(GStrv) all = debrief_serve_list_checkpoints (run);
  g_auto(GStrv) picked = debrief_serve_default_checkpoints (run);
  g_auto(GStrv) resolved = NULL;
  g_autoptr(GError) error = NULL;
  const char *const ask[] = { "best", "last", "final", "checkpoint-200", "checkpoint-100", NULL };
  const char *const unknown[] = { "checkpoint-999", NULL };

  g_assert_cmpuint (g_strv_length (all), ==, 4);
  g_assert_cmpstr (all[0], ==, "checkpoint-100");
  g_assert_cmpstr (all[3], ==, "final");
  /* The best by validation loss, as best_model_checkpoint says. */
  g_assert_cmpuint (g_strv_length (picked), ==, 1);
  g_assert_cmpstr (picked[0], ==, "checkpoint-200");
  resolved = debrief_serve_resolve_checkpoints (run, ask, &error);
  g_assert_no_error (error);
  /* Duplicates dropped, the order asked kept. */
  g_assert_cmpuint (g_strv_length (resolved), ==, 4);
  g_assert_cmpstr (resolved[0], ==, "checkpoint-200");
  g_assert_cmpstr (resolved[1], ==, "checkpoint-300");
  g_assert_cmpstr (resolved[2], ==, "final");
  g_assert_cmpstr (resolved[3], ==, "checkpoint-100");
  g_clear_pointer (&resolved, g_strfreev);
  resolved = debrief_serve_resolve_checkpoints (run, unknown, &error);
  g_assert_null (resolved);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "checkpoint-999"));
  g_assert_nonnull (strstr (error->message, "checkpoint-100, checkpoint-200, checkpoint-300, final"));
}

static void
test_vllm (void)
{
  g_autofree char *dir = make_peft_run ("vllm-run", BASE, 24);
  g_autoptr(DebriefRun) run = load (dir);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_VLLM, NULL);
  g_autoptr(DebriefServePlan) two = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) words = NULL;
  const char *const best_last[] = { "best", "last", NULL };
  g_auto(GStrv) names = debrief_serve_resolve_checkpoints (run, best_last, NULL);

  g_assert_true (plan->available);
  g_assert_cmpuint (plan->steps->len, ==, 1);
  /* Rank 24 is not a value vLLM accepts: the next one up, 32, and a note says why. */
  expected = g_strdup_printf ("vllm serve " BASE " --enable-lora --lora-modules vllm-run-checkpoint-200=%s/checkpoint-200 "
                              "--max-lora-rank 32 --host 127.0.0.1 --port 8000", dir);
  g_assert_cmpstr (step_command (plan, 0), ==, expected);
  g_assert_true (has_note (plan, "rank is 24"));
  g_assert_cmpstr (plan->base_url, ==, "http://127.0.0.1:8000/v1");
  g_assert_cmpstr (plan->baseline_model, ==, BASE);
  g_assert_null (plan->api_key_env);
  g_assert_cmpuint (plan->models->len, ==, 1);
  g_assert_cmpstr (model_at (plan, 0)->checkpoint, ==, "checkpoint-200");
  g_assert_cmpstr (model_at (plan, 0)->model, ==, "vllm-run-checkpoint-200");
  g_assert_null (model_at (plan, 0)->request_extra);

  /* Best and last together: two modules, both in one batch. */
  two = plan_for (run, DEBRIEF_SERVER_VLLM, (const char *const *) names);
  words = sh_words (step_command (two, 0));
  g_assert_cmpstr (word_after (words, "serve", 0), ==, BASE);
  {
    g_autofree char *m200 = g_strdup_printf ("vllm-run-checkpoint-200=%s/checkpoint-200", dir);
    g_autofree char *m300 = g_strdup_printf ("vllm-run-checkpoint-300=%s/checkpoint-300", dir);

    g_assert_cmpstr (word_after (words, "--lora-modules", 0), ==, m200);
    g_assert_cmpstr (word_after (words, m200, 0), ==, m300);
  }
  g_assert_cmpstr (word_after (words, "--max-loras", 0), ==, "2");
  g_assert_cmpstr (model_at (two, 1)->model, ==, "vllm-run-checkpoint-300");
}

static void
test_vllm_awkward_path (void)
{
  g_autofree char *dir = make_peft_run (AWKWARD_NAME, BASE, 8);
  g_autoptr(DebriefRun) run = load (dir);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_VLLM, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *ckpt = g_build_filename (dir, "checkpoint-200", NULL);
  g_auto(GStrv) words = NULL;
  const char *item;
  JsonObject *obj;

  g_assert_true (plan->available);
  words = sh_words (step_command (plan, 0));
  /* The path holds "," and "=": vLLM reads such an item as JSON only. */
  item = word_after (words, "--lora-modules", 0);
  g_assert_nonnull (item);
  g_assert_true (json_parser_load_from_data (parser, item, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "path"), ==, ckpt);
  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==, model_at (plan, 0)->model);
  g_assert_cmpstr (json_object_get_string_member (obj, "base_model_name"), ==, BASE);
  /* The name has nothing vLLM, SGLang or Ollama would split on. */
  g_assert_true (g_regex_match_simple ("^[A-Za-z0-9._-]+$", model_at (plan, 0)->model, 0, 0));
  g_assert_cmpstr (word_after (words, "--max-lora-rank", 0), ==, "8");
  g_assert_false (has_note (plan, "rank is"));
}

static void
test_vllm_limits (void)
{
  g_autofree char *dir = make_peft_run ("rank-600", BASE, 600);
  g_autoptr(DebriefRun) run = load (dir);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_VLLM, NULL);
  g_autoptr(DebriefServePlan) sglang = plan_for (run, DEBRIEF_SERVER_SGLANG, NULL);

  g_assert_false (plan->available);
  g_assert_nonnull (strstr (plan->reason, "rank 600"));
  g_assert_cmpuint (plan->steps->len, ==, 0);
  g_assert_cmpuint (plan->models->len, ==, 0);
  /* SGLang takes the rank as it is. */
  g_assert_true (sglang->available);
  g_assert_nonnull (strstr (step_command (sglang, 0), "--max-lora-rank 600 "));
}

static void
test_sglang (void)
{
  g_autofree char *dir = make_peft_run ("sg run", BASE, 24);
  g_autoptr(DebriefRun) run = load (dir);
  const char *const three[] = { "checkpoint-100", "best", "last", NULL };
  g_auto(GStrv) names = debrief_serve_resolve_checkpoints (run, three, NULL);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_SGLANG, (const char *const *) names);
  g_autofree char *expected = NULL;
  g_autofree char *awkward = make_peft_run ("sg " AWKWARD_NAME, BASE, 24);
  g_autoptr(DebriefRun) awkward_run = load (awkward);
  g_autoptr(DebriefServePlan) awkward_plan = plan_for (awkward_run, DEBRIEF_SERVER_SGLANG, NULL);
  g_auto(GStrv) words = NULL;
  g_autofree char *want = NULL;

  g_assert_true (plan->available);
  expected = g_strdup_printf ("python3 -m sglang.launch_server --model-path " BASE " --enable-lora --lora-paths "
                              "'sg-run-checkpoint-100=%s/checkpoint-100' 'sg-run-checkpoint-200=%s/checkpoint-200' "
                              "'sg-run-checkpoint-300=%s/checkpoint-300' --max-lora-rank 24 --max-loras-per-batch 4 "
                              "--host 127.0.0.1 --port 30000", dir, dir, dir);
  g_assert_cmpstr (step_command (plan, 0), ==, expected);
  g_assert_cmpstr (plan->base_url, ==, "http://127.0.0.1:30000/v1");
  g_assert_cmpstr (plan->baseline_model, ==, BASE);
  g_assert_cmpuint (plan->models->len, ==, 3);
  /* SGLang names an adapter in the OpenAI API as BASE:NAME. */
  g_assert_cmpstr (model_at (plan, 1)->model, ==, BASE ":sg-run-checkpoint-200");
  g_assert_cmpstr (model_at (plan, 2)->checkpoint, ==, "checkpoint-300");

  /* SGLang splits NAME=PATH on the first "=": the path survives whole. */
  words = sh_words (step_command (awkward_plan, 0));
  want = g_build_filename (awkward, "checkpoint-200", NULL);
  {
    const char *item = word_after (words, "--lora-paths", 0);
    const char *eq = strchr (item, '=');

    g_assert_nonnull (eq);
    g_assert_cmpstr (eq + 1, ==, want);
  }
}

/* A GGUF header: general.* keys and, for an adapter, adapter.* keys. */
static void
write_gguf (const char *path,
            const char *type,
            const char *arch)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  const char *keys[3][2] = { { "general.architecture", arch }, { "general.type", type }, { "adapter.type", "lora" } };
  guint n = g_strcmp0 (type, "adapter") == 0 ? 3 : 2;
  guint32 u32;
  guint64 u64;

  g_byte_array_append (b, (const guint8 *) "GGUF", 4);
  u32 = GUINT32_TO_LE (3);
  g_byte_array_append (b, (const guint8 *) &u32, 4);
  u64 = GUINT64_TO_LE (0);
  g_byte_array_append (b, (const guint8 *) &u64, 8);
  u64 = GUINT64_TO_LE (n);
  g_byte_array_append (b, (const guint8 *) &u64, 8);
  for (guint i = 0; i < n; i++)
    for (guint part = 0; part < 2; part++)
      {
        const char *s = keys[i][part];

        u64 = GUINT64_TO_LE (strlen (s));
        g_byte_array_append (b, (const guint8 *) &u64, 8);
        g_byte_array_append (b, (const guint8 *) s, strlen (s));
        if (part == 0)
          {
            u32 = GUINT32_TO_LE (8);  /* string */
            g_byte_array_append (b, (const guint8 *) &u32, 4);
          }
      }
  g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
}

static void
test_llama_cpp (void)
{
  g_autofree char *dir = make_peft_run ("llama run", BASE, 16);
  g_autoptr(DebriefRun) run = load (dir);
  const char *const best_last[] = { "best", "last", NULL };
  g_auto(GStrv) names = debrief_serve_resolve_checkpoints (run, best_last, NULL);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_LLAMA_CPP, (const char *const *) names);
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autofree char *hf_dir = g_build_filename (parent, "Llama-3.2-1B-Instruct-hf", NULL);
  g_autofree char *base_gguf = g_build_filename (parent, "Llama-3.2-1B-Instruct-f16.gguf", NULL);
  g_autofree char *adapter200 = g_build_filename (dir, "checkpoint-200", "adapter.gguf", NULL);
  g_autofree char *adapter300 = g_build_filename (dir, "checkpoint-300", "adapter.gguf", NULL);
  g_auto(GStrv) words = NULL;

  g_assert_true (plan->available);
  /* Nothing is GGUF yet: download and convert the base, convert each adapter, start. */
  g_assert_cmpuint (plan->steps->len, ==, 5);
  words = sh_words (step_command (plan, 0));
  g_assert_cmpstr (words[0], ==, "hf");
  g_assert_cmpstr (words[1], ==, "download");
  g_assert_cmpstr (words[2], ==, BASE);
  g_assert_cmpstr (word_after (words, "--local-dir", 0), ==, hf_dir);
  g_clear_pointer (&words, g_strfreev);
  words = sh_words (step_command (plan, 1));
  g_assert_cmpstr (words[1], ==, "convert_hf_to_gguf.py");
  g_assert_cmpstr (word_after (words, "--outfile", 0), ==, base_gguf);
  g_assert_cmpstr (words[g_strv_length (words) - 1], ==, hf_dir);
  g_clear_pointer (&words, g_strfreev);
  words = sh_words (step_command (plan, 2));
  g_assert_cmpstr (words[1], ==, "convert_lora_to_gguf.py");
  g_assert_cmpstr (word_after (words, "--outtype", 0), ==, "f16");
  g_assert_cmpstr (word_after (words, "--outfile", 0), ==, adapter200);
  g_assert_cmpstr (word_after (words, "--base", 0), ==, hf_dir);
  {
    g_autofree char *ckpt = g_build_filename (dir, "checkpoint-200", NULL);

    g_assert_cmpstr (words[g_strv_length (words) - 1], ==, ckpt);
  }
  g_clear_pointer (&words, g_strfreev);
  words = sh_words (step_command (plan, 4));
  g_assert_cmpstr (words[0], ==, "llama-server");
  g_assert_cmpstr (word_after (words, "-m", 0), ==, base_gguf);
  /* One --lora with a comma-separated row (repeating the option is deprecated). */
  {
    g_autofree char *both = g_strconcat (adapter200, ",", adapter300, NULL);

    g_assert_cmpstr (word_after (words, "--lora", 0), ==, both);
    g_assert_null (word_after (words, "--lora", 1));
  }
  /* Still to convert: nothing for Debrief to start by itself. */
  g_assert_null (plan->llama_model);
  /* Two adapters: none applied unless a request asks (the "lora" field). */
  g_assert_true (g_strv_contains ((const char *const *) words, "--lora-init-without-apply"));
  g_assert_cmpstr (word_after (words, "--port", 0), ==, "8080");
  g_assert_cmpstr (model_at (plan, 0)->request_extra, ==, "{\"lora\": [{\"id\": 0, \"scale\": 1.0}, {\"id\": 1, \"scale\": 0.0}]}");
  g_assert_cmpstr (model_at (plan, 1)->request_extra, ==, "{\"lora\": [{\"id\": 0, \"scale\": 0.0}, {\"id\": 1, \"scale\": 1.0}]}");
  /* An empty list would mean the server's defaults: the base names every adapter at 0. */
  g_assert_cmpstr (plan->baseline_request_extra, ==, "{\"lora\": [{\"id\": 0, \"scale\": 0.0}, {\"id\": 1, \"scale\": 0.0}]}");
  g_clear_pointer (&words, g_strfreev);

  /* The base given as GGUF and the adapter of checkpoint-200 already converted:
   * only the other adapter is converted (its base config from the Hub), then the server. */
  write_gguf (base_gguf, "model", "llama");
  write_gguf (adapter200, "adapter", "llama");
  {
    DebriefServeOptions options = { base_gguf, 8099 };
    g_autoptr(DebriefServePlan) ready = debrief_serve_plan_new (run, DEBRIEF_SERVER_LLAMA_CPP,
                                                                (const char *const *) names, &options);

    g_assert_true (ready->available);
    g_assert_cmpuint (ready->steps->len, ==, 2);
    words = sh_words (step_command (ready, 0));
    g_assert_cmpstr (word_after (words, "--outfile", 0), ==, adapter300);
    g_assert_cmpstr (word_after (words, "--base-model-id", 0), ==, BASE);
    g_assert_null (word_after (words, "--base", 0));
    g_clear_pointer (&words, g_strfreev);
    words = sh_words (step_command (ready, 1));
    g_assert_cmpstr (word_after (words, "-m", 0), ==, base_gguf);
    g_assert_true (g_str_has_prefix (word_after (words, "--lora", 0), adapter200));
    g_assert_cmpstr (ready->base_url, ==, "http://127.0.0.1:8099/v1");
    g_clear_pointer (&words, g_strfreev);
  }
  /* Both converted, and the base found beside the run by its name: just start. */
  write_gguf (adapter300, "adapter", "llama");
  {
    g_autoptr(DebriefServePlan) ready = plan_for (run, DEBRIEF_SERVER_LLAMA_CPP, (const char *const *) names);

    g_assert_cmpuint (ready->steps->len, ==, 1);
    words = sh_words (step_command (ready, 0));
    g_assert_cmpstr (word_after (words, "-m", 0), ==, base_gguf);
    g_assert_true (g_str_has_suffix (word_after (words, "--lora", 0), adapter300));
    g_assert_false (has_note (ready, "conversion scripts"));
    /* Ready to start: what DebriefLlamaServer needs. */
    g_assert_cmpstr (ready->llama_model, ==, base_gguf);
    g_assert_cmpuint (g_strv_length (ready->llama_adapters), ==, 2);
    g_assert_cmpstr (ready->llama_adapters[0], ==, adapter200);
    g_assert_cmpstr (ready->llama_adapters[1], ==, adapter300);
  }
  g_unlink (base_gguf);
}

/* Paths with a comma or a quote are quoted as llama.cpp's CSV row parser reads them. */
static void
test_llama_lora_value (void)
{
  const char *const plain[] = { "/a/x.gguf", "/b/y.gguf", NULL };
  const char *const awkward[] = { "/runs/a,b/x.gguf", "/runs/say \"hi\"/y.gguf", NULL };
  g_autofree char *p = debrief_serve_llama_lora_value (plain);
  g_autofree char *q = debrief_serve_llama_lora_value (awkward);

  g_assert_cmpstr (p, ==, "/a/x.gguf,/b/y.gguf");
  g_assert_cmpstr (q, ==, "\"/runs/a,b/x.gguf\",\"/runs/say \"\"hi\"\"/y.gguf\"");
}

static void
test_ollama (void)
{
  g_autofree char *dir = make_peft_run ("ollama " AWKWARD_NAME, BASE, 16);
  g_autoptr(DebriefRun) run = load (dir);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_OLLAMA, NULL);
  g_autofree char *ckpt = g_build_filename (dir, "checkpoint-200", NULL);
  g_autofree char *modelfile = g_build_filename (ckpt, "Modelfile", NULL);
  g_autofree char *expected = g_strdup_printf ("FROM llama3.2:1b\nADAPTER %s\n", ckpt);
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = NULL;
  DebriefServeFile *file;

  g_assert_true (plan->available);
  /* Pull the base, write the Modelfile, create the model. */
  g_assert_cmpuint (plan->steps->len, ==, 3);
  g_assert_cmpstr (step_command (plan, 0), ==, "ollama pull llama3.2:1b");
  g_assert_cmpuint (plan->files->len, ==, 1);
  file = g_ptr_array_index (plan->files, 0);
  g_assert_cmpstr (file->path, ==, modelfile);
  g_assert_cmpstr (file->contents, ==, expected);
  /* The step that writes it, run by a real shell, writes exactly that. */
  {
    g_autoptr(GSubprocess) sh = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/bin/sh", "-c",
                                                  step_command (plan, 1), NULL);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (sh, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (modelfile, &written, NULL, NULL));
    g_assert_cmpstr (written, ==, expected);
  }
  words = sh_words (step_command (plan, 2));
  g_assert_cmpstr (words[1], ==, "create");
  g_assert_cmpstr (words[2], ==, model_at (plan, 0)->model);
  g_assert_cmpstr (word_after (words, "-f", 0), ==, modelfile);
  /* Ollama model names are lower case. */
  g_assert_true (g_regex_match_simple ("^[a-z0-9._-]+$", model_at (plan, 0)->model, 0, 0));
  g_assert_cmpstr (plan->baseline_model, ==, "llama3.2:1b");
  g_assert_cmpstr (plan->base_url, ==, "http://127.0.0.1:11434/v1");
  g_clear_pointer (&words, g_strfreev);

  /* A base Ollama does not know, given as a local folder whose name ends in a space:
   * the base becomes a model of its own, and the value is quoted as Ollama unquotes it. */
  {
    g_autofree char *odd = make_peft_run ("ollama-local", "/models/my base ", 16);
    g_autoptr(DebriefRun) odd_run = load (odd);
    g_autoptr(DebriefServePlan) local = plan_for (odd_run, DEBRIEF_SERVER_OLLAMA, NULL);

    g_assert_true (local->available);
    file = g_ptr_array_index (local->files, 0);
    g_assert_cmpstr (file->contents, ==, "FROM \"/models/my base \"\n");
    g_assert_cmpstr (local->baseline_model, ==, "ollama-local-base");
    file = g_ptr_array_index (local->files, 1);
    g_assert_true (g_str_has_prefix (file->contents, "FROM \"/models/my base \"\nADAPTER /"));
  }
}

static void
test_tinker (void)
{
  g_autofree char *hf = make_peft_run ("hf-for-tinker", BASE, 16);
  g_autoptr(DebriefRun) hf_run = load (hf);
  g_autoptr(DebriefServePlan) none = plan_for (hf_run, DEBRIEF_SERVER_TINKER, NULL);
  g_autofree char *tinker = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "runs", "attention_only", NULL);
  g_autoptr(DebriefRun) run = load (tinker);
  const char *const two[] = { "000200", "last", NULL };
  g_auto(GStrv) names = debrief_serve_resolve_checkpoints (run, two, NULL);
  g_autoptr(DebriefServePlan) plan = plan_for (run, DEBRIEF_SERVER_TINKER, (const char *const *) names);
  g_autoptr(DebriefServePlan) vllm = plan_for (run, DEBRIEF_SERVER_VLLM, NULL);
  g_autofree char *sample = NULL;

  g_assert_false (none->available);
  g_assert_nonnull (strstr (none->reason, "sampler_path"));
  g_assert_true (plan->available);
  g_assert_cmpuint (plan->steps->len, ==, 0);
  g_assert_cmpstr (plan->base_url, ==, DEBRIEF_TINKER_OPENAI_URL);
  g_assert_cmpstr (plan->api_key_env, ==, "TINKER_API_KEY");
  g_assert_cmpstr (plan->baseline_model, ==, "tiny-byte-llama-2l-128d");
  g_assert_cmpuint (plan->models->len, ==, 2);
  g_assert_true (g_str_has_prefix (model_at (plan, 0)->model, "tinker://"));
  g_assert_true (g_str_has_suffix (model_at (plan, 0)->model, "/sampler_weights/000200"));
  g_assert_true (g_str_has_suffix (model_at (plan, 1)->model, "/sampler_weights/final"));
  /* A Tinker run's weights are not on disk: the local servers say so. */
  g_assert_false (vllm->available);
  g_assert_nonnull (strstr (vllm->reason, "Tinker"));
  sample = debrief_serve_plan_sample_command (plan, "runs/a b");
  g_assert_cmpstr (sample, ==, "debrief-cli sample --server tinker --checkpoint 000200 --checkpoint final "
                               "--api-key-env TINKER_API_KEY 'runs/a b'");
}

static void
test_not_peft (void)
{
  g_autofree char *dir = make_peft_run ("full-ft", BASE, 16);
  g_autofree char *config = g_build_filename (dir, "checkpoint-200", "adapter_config.json", NULL);
  g_autofree char *weights = g_build_filename (dir, "checkpoint-300", "adapter_model.safetensors", NULL);
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(DebriefServePlan) plan = NULL;
  const char *const last[] = { "last", NULL };

  g_unlink (config);
  g_unlink (weights);
  run = load (dir);
  plan = plan_for (run, DEBRIEF_SERVER_VLLM, NULL);
  g_assert_false (plan->available);
  g_assert_nonnull (strstr (plan->reason, "checkpoint-200 holds no adapter_config.json"));
  g_clear_pointer (&plan, debrief_serve_plan_unref);
  /* Weights missing: the plan stands, with a warning naming the checkpoint. */
  plan = plan_for (run, DEBRIEF_SERVER_SGLANG, last);
  g_assert_true (plan->available);
  g_assert_true (has_note (plan, "adapter_model.safetensors or adapter_model.bin in checkpoint-300"));
}

static void
test_gguf (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "bad-gguf", NULL);
  g_autofree char *expected_path = g_build_filename (dir, "EXPECTED.tsv", NULL);
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *adapter = g_build_filename (tmp_root, "a.gguf", NULL);
  DebriefGgufInfo info;
  guint checked = 0;
  g_autoptr(GError) error = NULL;

  write_gguf (adapter, "adapter", "qwen2");
  g_assert_true (debrief_gguf_read_info (adapter, &info, &error));
  g_assert_cmpstr (info.type, ==, "adapter");
  g_assert_cmpstr (info.architecture, ==, "qwen2");
  g_assert_true (debrief_gguf_info_is_lora_adapter (&info));
  debrief_gguf_info_clear (&info);

  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
  lines = g_strsplit (expected, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      g_autofree char *path = NULL;
      gboolean ok;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      path = g_build_filename (dir, f[0], NULL);
      ok = debrief_gguf_read_info (path, &info, &error);
      if (strcmp (f[1], "error") == 0)
        {
          g_assert_false (ok);
          g_assert_nonnull (error);
          g_test_message ("%s: %s", f[0], error->message);
          g_assert_nonnull (strstr (error->message, f[0]));
          g_assert_nonnull (strstr (error->message, f[2]));
          g_clear_error (&error);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (info.type, ==, f[2]);
          g_assert_true (info.name == NULL || g_utf8_validate (info.name, -1, NULL));
          debrief_gguf_info_clear (&info);
        }
      checked++;
    }
  g_assert_cmpuint (checked, >=, 12);
}

/* Inside Flatpak, files from the portal: the document ID and what follows the document's name. */
static void
test_document_id (void)
{
  const char *rest = "untouched";
  g_autofree char *a = debrief_llama_server_document_id ("/run/user/1000/doc/5a3f1c2e/model.gguf",
                                                         "/run/user/1000", &rest);
  g_autofree char *b = NULL;

  g_assert_cmpstr (a, ==, "5a3f1c2e");
  g_assert_null (rest);
  /* A folder was chosen: the file is inside it. */
  b = debrief_llama_server_document_id ("/run/user/1000/doc/77aa/my run/ckpt 'x'/adapter.gguf",
                                        "/run/user/1000", &rest);
  g_assert_cmpstr (b, ==, "77aa");
  g_assert_cmpstr (rest, ==, "/ckpt 'x'/adapter.gguf");
  /* Not from the portal: left alone. */
  rest = "untouched";
  g_assert_null (debrief_llama_server_document_id ("/home/u/model.gguf", "/run/user/1000", &rest));
  g_assert_null (debrief_llama_server_document_id ("/run/user/1000/docs/5a/model.gguf", "/run/user/1000", &rest));
  g_assert_null (debrief_llama_server_document_id ("/run/user/1000/doc/5a3f1c2e", "/run/user/1000", &rest));
  g_assert_null (debrief_llama_server_document_id ("/run/user/1000/doc/5a3f1c2e/", "/run/user/1000", &rest));
  g_assert_null (debrief_llama_server_document_id ("/run/user/1000/doc//model.gguf", "/run/user/1000", &rest));
  g_assert_cmpstr (rest, ==, "untouched");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_root = g_dir_make_tmp ("debrief-serve-XXXXXX", NULL);
  g_test_add_func ("/serve/shell-quote", test_shell_quote);
  g_test_add_func ("/serve/checkpoints", test_checkpoints);
  g_test_add_func ("/serve/vllm", test_vllm);
  g_test_add_func ("/serve/vllm-awkward-path", test_vllm_awkward_path);
  g_test_add_func ("/serve/vllm-limits", test_vllm_limits);
  g_test_add_func ("/serve/sglang", test_sglang);
  g_test_add_func ("/serve/llama-cpp", test_llama_cpp);
  g_test_add_func ("/serve/llama-lora-value", test_llama_lora_value);
  g_test_add_func ("/serve/ollama", test_ollama);
  g_test_add_func ("/serve/tinker", test_tinker);
  g_test_add_func ("/serve/not-peft", test_not_peft);
  g_test_add_func ("/serve/gguf", test_gguf);
  g_test_add_func ("/serve/flatpak-document-id", test_document_id);
  status = g_test_run ();
  debrief_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
