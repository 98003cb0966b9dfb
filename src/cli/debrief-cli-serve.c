/* debrief-cli-serve.c: `debrief-cli serve-command`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "debrief-cli-commands.h"
#include "debrief-core.h"

static const DebriefCheckpoint *
find_checkpoint (DebriefRun *run,
                 const char *name)
{
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    if (g_strcmp0 (debrief_run_get_checkpoint (run, i)->name, name) == 0)
      return debrief_run_get_checkpoint (run, i);
  return NULL;
}

/* One line per checkpoint: why it is the one (best, last) and its numbers. */
static void
print_checkpoints (DebriefRun         *run,
                   const char *const  *names,
                   gboolean            picked_by_us)
{
  const DebriefCheckpoint *best = debrief_run_get_best_checkpoint (run);
  DebriefRunConfig *config = debrief_run_get_config (run);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const DebriefCheckpoint *c = find_checkpoint (run, names[i]);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, _("Checkpoint: %s"), names[i]);
      if (c != NULL && c->step >= 0)
        g_string_append_printf (line, _(" (step %" PRId64 ")"), c->step);
      if (c != NULL && !isnan (c->val_loss))
        {
          char v[32];

          g_ascii_formatd (v, sizeof v, "%.4g", c->val_loss);
          g_string_append_printf (line, _(", validation loss %s"), v);
        }
      if (picked_by_us && c != NULL && c == best)
        g_string_append (line, !isnan (c->val_loss) || c->is_best ? _(" — the best by validation loss")
                                                                  : _(" — the last one saved"));
      else if (picked_by_us && c == NULL)
        g_string_append (line, _(" — the adapter saved at the end of training"));
      g_print ("%s\n", line->str);
    }
  if (config->base_model != NULL)
    g_print (_("Base model: %s\n"), config->base_model);
  if (config->lora_rank > 0)
    g_print (_("LoRA rank: %" PRId64 "\n"), config->lora_rank);
  g_print ("\n");
}

static void
add_json_object_text (JsonBuilder *b,
                      const char  *member,
                      const char  *json_text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  json_builder_set_member_name (b, member);
  if (json_text != NULL && json_parser_load_from_data (parser, json_text, -1, NULL))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (b);
}

static void
plan_to_json (JsonBuilder            *b,
              const DebriefServePlan *plan,
              const char             *dir)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server");
  json_builder_add_string_value (b, debrief_server_to_string (plan->server));
  json_builder_set_member_name (b, "available");
  json_builder_add_boolean_value (b, plan->available);
  debrief_cli_add_string_or_null (b, "reason", plan->reason);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->files->len; i++)
    {
      DebriefServeFile *f = g_ptr_array_index (plan->files, i);

      json_builder_begin_object (b);
      debrief_cli_add_string_or_null (b, "path", f->path);
      debrief_cli_add_string_or_null (b, "contents", f->contents);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->steps->len; i++)
    {
      DebriefServeStep *s = g_ptr_array_index (plan->steps, i);

      json_builder_begin_object (b);
      debrief_cli_add_string_or_null (b, "title", s->title);
      debrief_cli_add_string_or_null (b, "command", s->command);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->notes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (plan->notes, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "endpoint");
  json_builder_begin_object (b);
  debrief_cli_add_string_or_null (b, "profile", debrief_server_to_string (plan->server));
  debrief_cli_add_string_or_null (b, "base_url", plan->base_url);
  debrief_cli_add_string_or_null (b, "api_key_env", plan->api_key_env);
  debrief_cli_add_string_or_null (b, "baseline_model", plan->baseline_model);
  add_json_object_text (b, "baseline_request_extra", plan->baseline_request_extra);
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->models->len; i++)
    {
      DebriefServeModel *m = g_ptr_array_index (plan->models, i);

      json_builder_begin_object (b);
      debrief_cli_add_string_or_null (b, "checkpoint", m->checkpoint);
      debrief_cli_add_string_or_null (b, "model", m->model);
      add_json_object_text (b, "request_extra", m->request_extra);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (plan->available)
    {
      g_autofree char *sample = debrief_serve_plan_sample_command (plan, dir);

      debrief_cli_add_string_or_null (b, "sample_command", sample);
    }
  else
    debrief_cli_add_string_or_null (b, "sample_command", NULL);
  json_builder_end_object (b);
}

int
debrief_cli_serve_command (int argc, char **argv)
{
  g_auto(GStrv) checkpoint_args = NULL;
  g_auto(GStrv) server_args = NULL;
  g_auto(GStrv) rest = NULL;
  g_auto(GStrv) checkpoints = NULL;
  g_autofree char *base_gguf = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(DebriefRun) run = NULL;
  gboolean servers[DEBRIEF_N_SERVERS] = { FALSE };
  gboolean any_server = FALSE;
  gboolean json = FALSE;
  gint port = 0;
  const char *dir;
  GOptionEntry entries[] = {
    { "checkpoint", 0, 0, G_OPTION_ARG_STRING_ARRAY, &checkpoint_args,
      N_("Checkpoint to serve (repeat for several; “best”, “last”; default: the best by validation loss)"), "NAME" },
    { "server", 0, 0, G_OPTION_ARG_STRING_ARRAY, &server_args,
      N_("Only this server: vllm, sglang, llama.cpp, ollama, tinker (repeatable; default: all)"), "NAME" },
    { "base-gguf", 0, 0, G_OPTION_ARG_FILENAME, &base_gguf, N_("The base model as a GGUF file (llama.cpp, Ollama)"), "FILE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Port to serve on (default: each server’s usual port)"), "PORT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "DIR" },
    { NULL }
  };

  context = g_option_context_new (_("DIR — how to serve a checkpoint of the run next to its base model"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Prints the exact commands for vLLM, SGLang, llama.cpp, Ollama and Tinker, and the `debrief-cli sample` line that samples through each.\n"
      "Exit status: 0 printed, 1 the run could not be loaded or a checkpoint is unknown, 2 usage error."));
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;
  if (rest == NULL || g_strv_length (rest) != 1)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("debrief-cli: %s\n\n%s", _("give exactly one DIR"), help);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr ("%s\n", _("debrief-cli: --port must be 1–65535"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  for (guint i = 0; server_args != NULL && server_args[i] != NULL; i++)
    {
      DebriefServer s;

      if (!debrief_server_from_string (server_args[i], &s))
        {
          g_printerr (_("debrief-cli: unknown server “%s” (vllm, sglang, llama.cpp, ollama, tinker)\n"), server_args[i]);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      servers[s] = any_server = TRUE;
    }
  dir = rest[0];
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr (_("debrief-cli: %s: not a folder\n"), dir);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  folder = g_file_new_for_path (dir);
  run = debrief_run_load (folder, NULL, &error);
  if (run == NULL)
    {
      g_printerr ("debrief-cli: %s\n", error->message);
      return DEBRIEF_CLI_EXIT_FAILED;
    }
  checkpoints = debrief_serve_resolve_checkpoints (run, (const char *const *) checkpoint_args, &error);
  if (checkpoints == NULL)
    {
      g_printerr ("debrief-cli: %s\n", error->message);
      return DEBRIEF_CLI_EXIT_FAILED;
    }

  {
    DebriefServeOptions options = { base_gguf, (guint) port };
    g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

    if (!json)
      {
        if (checkpoints[0] == NULL)
          g_print ("%s\n\n", _("The run has no saved checkpoint."));
        else
          print_checkpoints (run, (const char *const *) checkpoints, checkpoint_args == NULL);
      }
    else
      {
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "path");
        json_builder_add_string_value (b, debrief_run_get_path (run));
        json_builder_set_member_name (b, "checkpoints");
        json_builder_begin_array (b);
        for (guint i = 0; checkpoints[i] != NULL; i++)
          json_builder_add_string_value (b, checkpoints[i]);
        json_builder_end_array (b);
        json_builder_set_member_name (b, "servers");
        json_builder_begin_array (b);
      }
    for (guint s = 0; s < DEBRIEF_N_SERVERS; s++)
      {
        g_autoptr(DebriefServePlan) plan = NULL;

        if (any_server && !servers[s])
          continue;
        plan = debrief_serve_plan_new (run, s, (const char *const *) checkpoints, &options);
        if (json)
          plan_to_json (b, plan, dir);
        else
          {
            g_autofree char *text = debrief_serve_plan_to_text (plan);

            g_print ("%s", text);
            if (plan->available)
              {
                g_autofree char *sample = debrief_serve_plan_sample_command (plan, dir);

                g_print (_("Then sample through it:\n\n    %s\n"), sample);
                if (s == DEBRIEF_SERVER_LLAMA_CPP && plan->llama_model != NULL)
                  g_print (_("\nOr let Debrief start llama-server itself, sample through it and stop it:\n\n    "
                             "debrief-cli sample --llama-server --base-gguf %s DIR\n"), plan->llama_model);
              }
            g_print ("\n");
          }
      }
    if (json)
      {
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *text = NULL;

        json_builder_end_array (b);
        json_builder_end_object (b);
        root = json_builder_get_root (b);
        text = debrief_cli_json_to_string (root, TRUE);
        g_print ("%s\n", text);
      }
  }
  return DEBRIEF_CLI_EXIT_OK;
}
