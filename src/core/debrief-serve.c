/* debrief-serve.c: launch lines for vLLM, SGLang, llama.cpp, Ollama, Tinker
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every flag here was checked against the servers' own sources:
 * - vLLM (vllm/config/lora.py, vllm/entrypoints/openai/cli_args.py):
 *   `--lora-modules` takes name=path only when the item holds no ",", and
 *   splits it on every "=", so other names or paths need the JSON form;
 *   `--max-lora-rank` accepts only 8, 16, 32, 64, 128, 256, 320, 512 (newer
 *   releases also 1); `--max-loras` is how many adapters share a batch.
 * - SGLang (python/sglang/srt/server_args.py, examples/runtime/lora.py):
 *   `--lora-paths NAME=PATH` split on the first "=", `--max-lora-rank`,
 *   `--max-loras-per-batch` counting the base-only request, and requests
 *   naming the adapter as "BASE:NAME".
 * - llama.cpp (convert_lora_to_gguf.py, common/arg.cpp, tools/server):
 *   `--lora A,B` (one option, a CSV row: repeating it is deprecated), and
 *   `--lora-init-without-apply`, and a request's "lora" list overriding the
 *   scales only when it is not empty.
 * - Ollama (docs/modelfile.mdx, parser/parser.go): FROM and ADAPTER, values
 *   to the end of the line, quotes only for edge spaces and newlines.
 * - huggingface_hub (commands/download.py): `hf download REPO --local-dir DIR`.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "debrief-error.h"
#include "debrief-gguf-private.h"
#include "debrief-json-glib-private.h"
#include "debrief-json-private.h"
#include "debrief-llama-server.h"
#include "debrief-prompts.h"
#include "debrief-serve.h"

/* adapter_config.json is a few hundred bytes; this stops a wrong file early. */
#define MAX_ADAPTER_CONFIG (1024 * 1024)
#define FINAL_NAME "final"

static const struct
{
  const char *id;
  const char *title;
  const char *url;
} servers[DEBRIEF_N_SERVERS] = {
  [DEBRIEF_SERVER_VLLM] = { "vllm", "vLLM", "http://127.0.0.1:8000/v1" },
  [DEBRIEF_SERVER_SGLANG] = { "sglang", "SGLang", "http://127.0.0.1:30000/v1" },
  [DEBRIEF_SERVER_LLAMA_CPP] = { "llama.cpp", "llama.cpp", "http://127.0.0.1:8080/v1" },
  [DEBRIEF_SERVER_OLLAMA] = { "ollama", "Ollama", "http://127.0.0.1:11434/v1" },
  [DEBRIEF_SERVER_TINKER] = { "tinker", "Tinker", DEBRIEF_TINKER_OPENAI_URL },
};

static const guint default_ports[DEBRIEF_N_SERVERS] = { 8000, 30000, 8080, 11434, 0 };

/* vLLM's MaxLoRARanks, without 1 (only newer releases accept it; 8 works everywhere). */
static const gint64 vllm_ranks[] = { 8, 16, 32, 64, 128, 256, 320, 512 };

/* Ollama library tags for common instruct models whose architecture Ollama
 * imports safetensors adapters for (Llama, Mistral, Gemma). */
static const struct
{
  const char *hf;
  const char *ollama;
} ollama_tags[] = {
  { "meta-llama/Llama-3.2-1B-Instruct", "llama3.2:1b" },
  { "meta-llama/Llama-3.2-3B-Instruct", "llama3.2:3b" },
  { "meta-llama/Llama-3.1-8B-Instruct", "llama3.1:8b" },
  { "meta-llama/Meta-Llama-3.1-8B-Instruct", "llama3.1:8b" },
  { "meta-llama/Meta-Llama-3-8B-Instruct", "llama3:8b" },
  { "mistralai/Mistral-7B-Instruct-v0.3", "mistral:7b" },
  { "google/gemma-2-2b-it", "gemma2:2b" },
  { "google/gemma-2-9b-it", "gemma2:9b" },
};

const char *
debrief_server_to_string (DebriefServer server)
{
  g_return_val_if_fail (server < DEBRIEF_N_SERVERS, NULL);
  return servers[server].id;
}

gboolean
debrief_server_from_string (const char    *s,
                            DebriefServer *server)
{
  for (guint i = 0; s != NULL && i < DEBRIEF_N_SERVERS; i++)
    if (g_ascii_strcasecmp (s, servers[i].id) == 0 ||
        (i == DEBRIEF_SERVER_LLAMA_CPP && (g_ascii_strcasecmp (s, "llama-server") == 0 ||
                                          g_ascii_strcasecmp (s, "llamacpp") == 0)))
      {
        *server = i;
        return TRUE;
      }
  return FALSE;
}

const char *
debrief_server_get_title (DebriefServer server)
{
  g_return_val_if_fail (server < DEBRIEF_N_SERVERS, NULL);
  return servers[server].title;
}

const char *
debrief_server_default_url (DebriefServer server)
{
  g_return_val_if_fail (server < DEBRIEF_N_SERVERS, NULL);
  return servers[server].url;
}

char *
debrief_shell_quote (const char *s)
{
  GString *out;

  if (s == NULL || s[0] == '\0')
    return g_strdup ("''");
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("@%+=:,./_-", *p) == NULL)
      goto quote;
  return g_strdup (s);

quote:
  out = g_string_new ("'");
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/* ---- plans: memory ---- */

static void
step_free (DebriefServeStep *step)
{
  g_free (step->title);
  g_free (step->command);
  g_free (step);
}

static void
model_free (DebriefServeModel *model)
{
  g_free (model->checkpoint);
  g_free (model->model);
  g_free (model->request_extra);
  g_free (model);
}

static void
file_free (DebriefServeFile *file)
{
  g_free (file->path);
  g_free (file->contents);
  g_free (file);
}

static void
plan_free (DebriefServePlan *plan)
{
  g_free (plan->reason);
  g_ptr_array_unref (plan->files);
  g_ptr_array_unref (plan->steps);
  g_ptr_array_unref (plan->notes);
  g_free (plan->base_url);
  g_free (plan->api_key_env);
  g_free (plan->baseline_model);
  g_free (plan->baseline_request_extra);
  g_ptr_array_unref (plan->models);
  g_free (plan->llama_model);
  g_strfreev (plan->llama_adapters);
}

DebriefServePlan *
debrief_serve_plan_ref (DebriefServePlan *plan)
{
  return g_atomic_rc_box_acquire (plan);
}

void
debrief_serve_plan_unref (DebriefServePlan *plan)
{
  g_atomic_rc_box_release_full (plan, (GDestroyNotify) plan_free);
}

G_DEFINE_BOXED_TYPE (DebriefServePlan, debrief_serve_plan, debrief_serve_plan_ref, debrief_serve_plan_unref)

static DebriefServePlan *
plan_new (DebriefServer server)
{
  DebriefServePlan *plan = g_atomic_rc_box_new0 (DebriefServePlan);

  plan->server = server;
  plan->available = TRUE;
  plan->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_free);
  plan->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  plan->notes = g_ptr_array_new_with_free_func (g_free);
  plan->models = g_ptr_array_new_with_free_func ((GDestroyNotify) model_free);
  return plan;
}

static void
add_step (DebriefServePlan *plan,
          char             *title,
          char             *command)
{
  DebriefServeStep *step = g_new0 (DebriefServeStep, 1);

  step->title = title;
  step->command = command;
  g_ptr_array_add (plan->steps, step);
}

static void
add_note (DebriefServePlan *plan,
          char             *note)
{
  g_ptr_array_add (plan->notes, note);
}

static void
add_model (DebriefServePlan *plan,
           const char       *checkpoint,
           const char       *model,
           char             *request_extra)
{
  DebriefServeModel *m = g_new0 (DebriefServeModel, 1);

  m->checkpoint = g_strdup (checkpoint);
  m->model = g_strdup (model);
  m->request_extra = request_extra;
  g_ptr_array_add (plan->models, m);
}

static void
unavailable (DebriefServePlan *plan,
             char             *reason)
{
  plan->available = FALSE;
  g_free (plan->reason);
  plan->reason = reason;
}

/* Appends " ARG" quoted. */
static void
arg (GString    *cmd,
     const char *value)
{
  g_autofree char *q = debrief_shell_quote (value);

  if (cmd->len > 0)
    g_string_append_c (cmd, ' ');
  g_string_append (cmd, q);
}

static void
arg_int (GString *cmd,
         gint64   value)
{
  g_string_append_printf (cmd, " %" G_GINT64_FORMAT, value);
}

/* ---- what the run folder holds ---- */

typedef struct
{
  char *name;
  char *path;             /* absolute folder, NULL for Tinker */
  gint64 step;
  double val_loss;
  char *sampler_path;
  gboolean is_root;       /* the adapter saved in the run folder itself */
} Candidate;

static void
candidate_free (Candidate *c)
{
  g_free (c->name);
  g_free (c->path);
  g_free (c->sampler_path);
  g_free (c);
}

static char *
absolute (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

static gboolean
has_file (const char *dir,
          const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);

  return g_file_test (p, G_FILE_TEST_IS_REGULAR);
}

static gboolean
has_adapter_weights (const char *dir)
{
  return has_file (dir, "adapter_model.safetensors") || has_file (dir, "adapter_model.bin");
}

static gboolean
is_tinker (DebriefRun *run)
{
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    {
      const DebriefCheckpoint *c = debrief_run_get_checkpoint (run, i);

      if (c->sampler_path != NULL && g_str_has_prefix (c->sampler_path, "tinker://"))
        return TRUE;
    }
  return g_strcmp0 (debrief_run_get_format (run), "tinker") == 0;
}

/* The run's checkpoints as servable candidates, in step order; the best one in *@best. */
static GPtrArray *
list_candidates (DebriefRun  *run,
                 guint       *best)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  const DebriefCheckpoint *best_ckpt = debrief_run_get_best_checkpoint (run);
  const char *folder = debrief_run_get_path (run);
  gboolean tinker = is_tinker (run);
  gboolean have_final = FALSE;

  *best = G_MAXUINT;
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    {
      const DebriefCheckpoint *ck = debrief_run_get_checkpoint (run, i);
      Candidate *c;

      if (ck->name == NULL || ck->name[0] == '\0')
        continue;
      c = g_new0 (Candidate, 1);
      c->name = g_strdup (ck->name);
      c->step = ck->step;
      c->val_loss = ck->val_loss;
      c->sampler_path = g_strdup (ck->sampler_path);
      /* Tinker's paths are tinker:// URIs; HF checkpoints are folders. */
      if (!tinker && ck->path != NULL && !g_str_has_prefix (ck->path, "tinker://"))
        c->path = absolute (ck->path);
      if (ck == best_ckpt)
        *best = list->len;
      have_final = have_final || g_strcmp0 (ck->name, FINAL_NAME) == 0;
      g_ptr_array_add (list, c);
    }
  /* An adapter saved in the run folder (trainer.save_model at the end). */
  if (!tinker && !have_final && folder != NULL &&
      (has_adapter_weights (folder) || (list->len == 0 && has_file (folder, "adapter_config.json"))))
    {
      Candidate *c = g_new0 (Candidate, 1);

      c->name = g_strdup (FINAL_NAME);
      c->path = absolute (folder);
      c->step = G_MAXINT64;
      c->val_loss = NAN;
      c->is_root = TRUE;
      if (*best == G_MAXUINT)
        *best = list->len;
      g_ptr_array_add (list, c);
    }
  return list;
}

static Candidate *
find_candidate (GPtrArray  *list,
                const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      Candidate *c = g_ptr_array_index (list, i);

      if (strcmp (c->name, name) == 0)
        return c;
    }
  return NULL;
}

GStrv
debrief_serve_list_checkpoints (DebriefRun *run)
{
  guint best;
  g_autoptr(GPtrArray) list = list_candidates (run, &best);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < list->len; i++)
    g_strv_builder_add (b, ((Candidate *) g_ptr_array_index (list, i))->name);
  return g_strv_builder_end (b);
}

GStrv
debrief_serve_default_checkpoints (DebriefRun *run)
{
  guint best;
  g_autoptr(GPtrArray) list = list_candidates (run, &best);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (best < list->len)
    g_strv_builder_add (b, ((Candidate *) g_ptr_array_index (list, best))->name);
  return g_strv_builder_end (b);
}

GStrv
debrief_serve_resolve_checkpoints (DebriefRun         *run,
                                   const char *const  *names,
                                   GError            **error)
{
  guint best;
  g_autoptr(GPtrArray) list = list_candidates (run, &best);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (names == NULL || names[0] == NULL)
    return debrief_serve_default_checkpoints (run);
  for (guint i = 0; names[i] != NULL; i++)
    {
      Candidate *c = NULL;

      if (g_ascii_strcasecmp (names[i], "best") == 0)
        c = best < list->len ? g_ptr_array_index (list, best) : NULL;
      else if (g_ascii_strcasecmp (names[i], "last") == 0 || g_ascii_strcasecmp (names[i], FINAL_NAME) == 0)
        {
          /* "final": the adapter saved at the end if there is one; "last": the last checkpoint-N. */
          for (guint j = list->len; j > 0 && c == NULL; j--)
            {
              Candidate *k = g_ptr_array_index (list, j - 1);

              if (!k->is_root || g_ascii_strcasecmp (names[i], FINAL_NAME) == 0 || list->len == 1)
                c = k;
            }
        }
      if (c == NULL)
        c = find_candidate (list, names[i]);
      if (c == NULL)
        {
          g_autoptr(GString) known = g_string_new (NULL);

          for (guint j = 0; j < list->len; j++)
            g_string_append_printf (known, "%s%s", j > 0 ? ", " : "", ((Candidate *) g_ptr_array_index (list, j))->name);
          if (list->len == 0)
            g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                         _("%s: no checkpoint “%s”: the run has no saved checkpoints"),
                         debrief_run_get_path (run), names[i]);
          else
            g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                         _("%s: no checkpoint “%s” (the run has %s; “best” and “last” also work)"),
                         debrief_run_get_path (run), names[i], known->str);
          return NULL;
        }
      if (g_hash_table_add (seen, c->name))
        g_strv_builder_add (b, c->name);
    }
  return g_strv_builder_end (b);
}

/* ---- adapter facts ---- */

typedef struct
{
  Candidate *candidate;   /* borrowed */
  gboolean has_config;    /* adapter_config.json readable */
  gboolean has_weights;
  gint64 rank;            /* max of r and rank_pattern; 0 unknown */
  double alpha;
  char *base_model;       /* base_model_name_or_path */
  char *gguf;             /* a GGUF LoRA adapter in the folder */
  gboolean converted;     /* gguf is where the conversion step will write it */
  char *gguf_arch;
  char *serve_name;       /* the LoRA module name servers use */
} Adapter;

static void
adapter_free (Adapter *a)
{
  g_free (a->base_model);
  g_free (a->gguf);
  g_free (a->gguf_arch);
  g_free (a->serve_name);
  g_free (a);
}

static void
read_adapter_config (Adapter *a)
{
  g_autofree char *path = g_build_filename (a->candidate->path, "adapter_config.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize len;
  JsonNode *root;
  JsonObject *obj;

  if (g_stat (path, &st) != 0 || st.st_size > MAX_ADAPTER_CONFIG ||
      !g_file_get_contents (path, &contents, &len, NULL) ||
      !debrief_json_glib_safe (contents, len) ||
      !json_parser_load_from_data (parser, contents, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  obj = json_node_get_object (root);
  a->has_config = TRUE;
  if (json_object_has_member (obj, "r") && JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "r")) &&
      json_node_get_value_type (json_object_get_member (obj, "r")) == G_TYPE_INT64)
    a->rank = json_object_get_int_member (obj, "r");
  if (json_object_has_member (obj, "lora_alpha") && JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "lora_alpha")))
    {
      GType t = json_node_get_value_type (json_object_get_member (obj, "lora_alpha"));

      if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE)
        a->alpha = json_object_get_double_member (obj, "lora_alpha");
    }
  /* PEFT's rank_pattern gives some modules a higher rank than r. */
  if (json_object_has_member (obj, "rank_pattern") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "rank_pattern")))
    {
      JsonObject *pattern = json_object_get_object_member (obj, "rank_pattern");
      g_autoptr(GList) members = json_object_get_members (pattern);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *v = json_object_get_member (pattern, l->data);

          if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_INT64)
            a->rank = MAX (a->rank, json_node_get_int (v));
        }
    }
  if (a->rank < 0)
    a->rank = 0;
  {
    const char *base = debrief_json_string (obj, "base_model_name_or_path");

    if (base != NULL && base[0] != '\0')
      a->base_model = g_strdup (base);
  }
}

static void
find_gguf_adapter (Adapter *a)
{
  g_autoptr(GDir) dir = g_dir_open (a->candidate->path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      DebriefGgufInfo info;

      if (!g_str_has_suffix (name, ".gguf"))
        continue;
      path = g_build_filename (a->candidate->path, name, NULL);
      if (!debrief_gguf_read_info (path, &info, NULL))
        continue;
      /* Prefer adapter.gguf (what our own conversion line writes), else any adapter. */
      if (debrief_gguf_info_is_lora_adapter (&info) && (a->gguf == NULL || strcmp (name, "adapter.gguf") == 0))
        {
          g_free (a->gguf);
          g_free (a->gguf_arch);
          a->gguf = g_steal_pointer (&path);
          a->gguf_arch = g_strdup (info.architecture);
        }
      debrief_gguf_info_clear (&info);
    }
}

/* [A-Za-z0-9._-], everything else one "-": a name no server splits on. */
static char *
sanitize (const char *s,
          gboolean    lower)
{
  GString *out = g_string_new (NULL);

  for (const char *p = s; *p != '\0'; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-')
        g_string_append_c (out, lower ? g_ascii_tolower (c) : c);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && (out->str[out->len - 1] == '-' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);
  while (out->len > 0 && (out->str[0] == '-' || out->str[0] == '.'))
    g_string_erase (out, 0, 1);
  if (out->len == 0)
    g_string_append (out, "run");
  return g_string_free (out, FALSE);
}

static char *
serve_name (DebriefRun *run,
            const char *checkpoint,
            gboolean    lower)
{
  g_autofree char *joined = g_strdup_printf ("%s-%s", debrief_run_get_name (run), checkpoint);

  return sanitize (joined, lower);
}

typedef struct
{
  DebriefRun *run;
  GPtrArray *adapters;     /* Adapter*, in the order asked */
  char *base_model;        /* the base all adapters name (or the run's) */
  gint64 rank;             /* max over the adapters; 0 unknown */
  gboolean tinker;
  gboolean all_peft;       /* every adapter has adapter_config.json */
  char *first_non_peft;
  GPtrArray *missing_weights; /* names */
  gboolean bases_differ;
} Facts;

static void
facts_clear (Facts *f)
{
  g_clear_pointer (&f->adapters, g_ptr_array_unref);
  g_clear_pointer (&f->missing_weights, g_ptr_array_unref);
  g_clear_pointer (&f->base_model, g_free);
  g_clear_pointer (&f->first_non_peft, g_free);
}

static void
gather (DebriefRun        *run,
        GPtrArray         *candidates,
        const char *const *names,
        Facts             *f)
{
  DebriefRunConfig *config = debrief_run_get_config (run);

  memset (f, 0, sizeof *f);
  f->run = run;
  f->tinker = is_tinker (run);
  f->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) adapter_free);
  f->missing_weights = g_ptr_array_new ();
  f->all_peft = TRUE;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      Candidate *c = find_candidate (candidates, names[i]);
      Adapter *a;

      if (c == NULL)
        continue;
      a = g_new0 (Adapter, 1);
      a->candidate = c;
      a->alpha = NAN;
      if (c->path != NULL)
        {
          read_adapter_config (a);
          a->has_weights = has_adapter_weights (c->path);
          find_gguf_adapter (a);
        }
      if (!a->has_config && f->all_peft)
        {
          f->all_peft = FALSE;
          f->first_non_peft = g_strdup (c->name);
        }
      if (c->path != NULL && a->has_config && !a->has_weights)
        g_ptr_array_add (f->missing_weights, c->name);
      if (a->base_model != NULL)
        {
          if (f->base_model == NULL)
            f->base_model = g_strdup (a->base_model);
          else if (strcmp (f->base_model, a->base_model) != 0)
            f->bases_differ = TRUE;
        }
      f->rank = MAX (f->rank, a->rank);
      g_ptr_array_add (f->adapters, a);
    }
  if (f->base_model == NULL && config->base_model != NULL && config->base_model[0] != '\0')
    f->base_model = g_strdup (config->base_model);
  if (f->rank == 0 && config->lora_rank > 0)
    f->rank = config->lora_rank;
}

static const char *
adapter_name (Adapter *a)
{
  return a->candidate->name;
}

static char *
names_list (GPtrArray *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (names, i));
  return g_string_free (out, FALSE);
}

/* Notes every PEFT server shares. */
static void
common_notes (DebriefServePlan *plan,
              Facts            *f)
{
  if (f->missing_weights->len > 0)
    {
      g_autofree char *list = names_list (f->missing_weights);

      add_note (plan, g_strdup_printf (_("No adapter_model.safetensors or adapter_model.bin in %s: "
                                         "the weights were not saved there (or not copied), so the server will fail to load it."),
                                       list));
    }
  if (f->bases_differ)
    add_note (plan, g_strdup_printf (_("The checkpoints name different base models; %s is used for all."), f->base_model));
}

/* Why a PEFT server cannot serve this run, or NULL. */
static char *
peft_blocker (DebriefServer  server,
              Facts         *f)
{
  const char *title = debrief_server_get_title (server);

  if (f->adapters->len == 0)
    return g_strdup (_("The run has no saved checkpoint to serve."));
  if (f->tinker)
    return g_strdup_printf (_("The weights of a Tinker run stay on Tinker’s servers (its checkpoints are tinker:// paths): "
                              "sample it through Tinker, or download a checkpoint with Tinker’s CLI to serve it with %s."), title);
  if (!f->all_peft)
    return g_strdup_printf (_("%s holds no adapter_config.json, so it is not a PEFT LoRA adapter: "
                              "serve a full checkpoint as a model of its own."), f->first_non_peft);
  if (f->base_model == NULL)
    return g_strdup (_("The base model is not named (no base_model_name_or_path in adapter_config.json)."));
  return NULL;
}

static void
no_rank_note (DebriefServePlan *plan)
{
  add_note (plan, g_strdup (_("The LoRA rank is not known (no “r” in adapter_config.json): the server’s default "
                              "maximum rank applies, and an adapter of a higher rank will not load.")));
}

static void
plan_vllm (DebriefServePlan *plan,
           Facts            *f,
           guint             port)
{
  g_autoptr(GString) cmd = g_string_new ("vllm serve");
  g_autofree char *reason = peft_blocker (plan->server, f);
  gint64 max_rank = 0;

  if (reason != NULL)
    {
      unavailable (plan, g_steal_pointer (&reason));
      return;
    }
  if (f->rank > vllm_ranks[G_N_ELEMENTS (vllm_ranks) - 1])
    {
      unavailable (plan, g_strdup_printf (_("vLLM serves LoRA adapters up to rank 512; this one has rank %" PRId64 ": "
                                            "merge it into the base model (PEFT’s merge_and_unload) and serve the merged model."),
                                          f->rank));
      return;
    }
  arg (cmd, f->base_model);
  g_string_append (cmd, " --enable-lora --lora-modules");
  for (guint i = 0; i < f->adapters->len; i++)
    {
      Adapter *a = g_ptr_array_index (f->adapters, i);
      const char *path = a->candidate->path;
      g_autofree char *item = NULL;

      /* name=path is parsed only without "," and split on every "=": else JSON. */
      if (strchr (path, ',') == NULL && strchr (path, '=') == NULL)
        item = g_strdup_printf ("%s=%s", a->serve_name, path);
      else
        {
          g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
          g_autoptr(JsonGenerator) gen = json_generator_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, a->serve_name);
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, path);
          json_builder_set_member_name (b, "base_model_name");
          json_builder_add_string_value (b, f->base_model);
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          json_generator_set_root (gen, root);
          item = json_generator_to_data (gen, NULL);
        }
      arg (cmd, item);
      add_model (plan, adapter_name (a), a->serve_name, NULL);
    }
  if (f->rank > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (vllm_ranks) && max_rank == 0; i++)
        if (vllm_ranks[i] >= f->rank)
          max_rank = vllm_ranks[i];
      g_string_append (cmd, " --max-lora-rank");
      arg_int (cmd, max_rank);
      if (max_rank != f->rank)
        add_note (plan, g_strdup_printf (_("The adapter’s rank is %" PRId64 "; vLLM accepts only 8, 16, 32, 64, 128, 256, 320 "
                                           "or 512 as --max-lora-rank, so the next one up, %" PRId64 ", is given."),
                                         f->rank, max_rank));
    }
  else
    no_rank_note (plan);
  if (f->adapters->len > 1)
    {
      g_string_append (cmd, " --max-loras");
      arg_int (cmd, f->adapters->len);
    }
  g_string_append (cmd, " --host 127.0.0.1 --port");
  arg_int (cmd, port);
  add_step (plan, g_strdup (_("Start vLLM with the base model and the adapters")), g_string_free (g_steal_pointer (&cmd), FALSE));
  common_notes (plan, f);
  plan->baseline_model = g_strdup (f->base_model);
}

static void
plan_sglang (DebriefServePlan *plan,
             Facts            *f,
             guint             port)
{
  g_autoptr(GString) cmd = g_string_new ("python3 -m sglang.launch_server --model-path");
  g_autofree char *reason = peft_blocker (plan->server, f);

  if (reason != NULL)
    {
      unavailable (plan, g_steal_pointer (&reason));
      return;
    }
  arg (cmd, f->base_model);
  g_string_append (cmd, " --enable-lora --lora-paths");
  for (guint i = 0; i < f->adapters->len; i++)
    {
      Adapter *a = g_ptr_array_index (f->adapters, i);
      g_autofree char *item = g_strdup_printf ("%s=%s", a->serve_name, a->candidate->path);
      g_autofree char *model = g_strdup_printf ("%s:%s", f->base_model, a->serve_name);

      /* Split on the first "=": a sanitized name holds none, the path may. */
      arg (cmd, item);
      add_model (plan, adapter_name (a), model, NULL);
    }
  if (f->rank > 0)
    {
      g_string_append (cmd, " --max-lora-rank");
      arg_int (cmd, f->rank);
    }
  else
    no_rank_note (plan);
  /* The base-only request takes a slot of the batch too. */
  g_string_append (cmd, " --max-loras-per-batch");
  arg_int (cmd, f->adapters->len + 1);
  g_string_append (cmd, " --host 127.0.0.1 --port");
  arg_int (cmd, port);
  add_step (plan, g_strdup (_("Start SGLang with the base model and the adapters")), g_string_free (g_steal_pointer (&cmd), FALSE));
  common_notes (plan, f);
  plan->baseline_model = g_strdup (f->base_model);
}

static gboolean
looks_like_hub_id (const char *s)
{
  const char *slash = strchr (s, '/');

  return slash != NULL && slash != s && strchr (slash + 1, '/') == NULL && slash[1] != '\0' &&
         s[0] != '.' && s[0] != '~';
}

static gboolean
is_local_path (const char *s)
{
  return g_path_is_absolute (s) || g_str_has_prefix (s, "./") || g_str_has_prefix (s, "../") ||
         g_str_has_prefix (s, "~/");
}

/* The last part of a model name, for file names: "Llama-3.2-1B-Instruct". */
static char *
short_name (const char *model)
{
  g_autofree char *trimmed = g_strdup (model);
  g_autofree char *base = NULL;

  while (strlen (trimmed) > 1 && G_IS_DIR_SEPARATOR (trimmed[strlen (trimmed) - 1]))
    trimmed[strlen (trimmed) - 1] = '\0';
  base = g_path_get_basename (trimmed);
  return sanitize (base, FALSE);
}

/* A base model GGUF near the run: the run folder, then its parent. */
static char *
find_base_gguf (const char *run_dir,
                const char *base_model)
{
  g_autofree char *parent = g_path_get_dirname (run_dir);
  g_autofree char *want = base_model != NULL ? short_name (base_model) : NULL;
  const char *dirs[] = { run_dir, parent };

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[d], 0, NULL);
      g_autofree char *only = NULL;
      guint n = 0;
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;
          DebriefGgufInfo info;
          gboolean model;

          if (!g_str_has_suffix (name, ".gguf"))
            continue;
          path = g_build_filename (dirs[d], name, NULL);
          if (!debrief_gguf_read_info (path, &info, NULL))
            continue;
          model = info.type == NULL || strcmp (info.type, "model") == 0;
          debrief_gguf_info_clear (&info);
          if (!model)
            continue;
          /* The file our conversion line writes, or one named after the base. */
          if (want != NULL && g_str_has_prefix (name, want))
            return g_steal_pointer (&path);
          n++;
          g_free (only);
          only = g_steal_pointer (&path);
        }
      if (n == 1)
        return g_steal_pointer (&only);
    }
  return NULL;
}

/* One field of llama.cpp's comma-separated option values (its parse_csv_row). */
static void
append_csv_field (GString    *out,
                  const char *value)
{
  if (out->len > 0)
    g_string_append_c (out, ',');
  if (strpbrk (value, ",\"") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
debrief_serve_llama_lora_value (const char *const *adapters)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; adapters[i] != NULL; i++)
    append_csv_field (out, adapters[i]);
  return g_string_free (out, FALSE);
}

static char *
lora_request_extra (guint n,
                    gint  enabled)
{
  GString *out = g_string_new ("{\"lora\": [");

  /* An empty list means "the server's defaults" to llama-server: name every adapter. */
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s{\"id\": %u, \"scale\": %s}", i > 0 ? ", " : "", i,
                            (gint) i == enabled ? "1.0" : "0.0");
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static void
plan_llama_cpp (DebriefServePlan          *plan,
                Facts                     *f,
                guint                      port,
                const DebriefServeOptions *options)
{
  g_autofree char *reason = peft_blocker (plan->server, f);
  g_autofree char *run_dir = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *short_base = NULL;
  g_autofree char *base_gguf = NULL;
  g_autofree char *base_hf_dir = NULL;
  g_autoptr(GString) serve = g_string_new ("llama-server -m");
  g_autoptr(GStrvBuilder) adapters = g_strv_builder_new ();
  g_auto(GStrv) adapter_files = NULL;
  g_autofree char *lora_value = NULL;
  gboolean converting = FALSE;

  if (reason != NULL)
    {
      /* A run whose adapters are already GGUF needs no adapter_config.json. */
      gboolean all_gguf = f->adapters->len > 0 && !f->tinker;

      for (guint i = 0; i < f->adapters->len && all_gguf; i++)
        all_gguf = ((Adapter *) g_ptr_array_index (f->adapters, i))->gguf != NULL;
      if (!all_gguf || (options->base_gguf == NULL && f->base_model == NULL))
        {
          unavailable (plan, g_steal_pointer (&reason));
          return;
        }
    }
  run_dir = absolute (debrief_run_get_path (f->run));
  parent = g_path_get_dirname (run_dir);
  short_base = f->base_model != NULL ? short_name (f->base_model) : g_strdup ("base");

  if (options->base_gguf != NULL)
    base_gguf = absolute (options->base_gguf);
  else
    base_gguf = find_base_gguf (run_dir, f->base_model);
  if (base_gguf == NULL)
    {
      g_autofree char *file = g_strdup_printf ("%s-f16.gguf", short_base);
      g_autoptr(GString) convert = g_string_new ("python3 convert_hf_to_gguf.py --outtype f16 --outfile");
      const char *hf_dir;

      base_gguf = g_build_filename (parent, file, NULL);
      if (is_local_path (f->base_model))
        hf_dir = f->base_model;
      else
        {
          /* huggingface_hub's CLI is `hf` (huggingface-cli before 0.34, since removed). */
          g_autoptr(GString) download = g_string_new ("hf download");
          g_autofree char *dir = g_strdup_printf ("%s-hf", short_base);

          base_hf_dir = g_build_filename (parent, dir, NULL);
          arg (download, f->base_model);
          g_string_append (download, " --local-dir");
          arg (download, base_hf_dir);
          add_step (plan, g_strdup_printf (_("Download the base model %s"), f->base_model),
                    g_string_free (g_steal_pointer (&download), FALSE));
          hf_dir = base_hf_dir;
        }
      arg (convert, base_gguf);
      arg (convert, hf_dir);
      add_step (plan, g_strdup (_("Convert the base model to GGUF (in a llama.cpp checkout)")),
                g_string_free (g_steal_pointer (&convert), FALSE));
      converting = TRUE;
    }

  arg (serve, base_gguf);
  for (guint i = 0; i < f->adapters->len; i++)
    {
      Adapter *a = g_ptr_array_index (f->adapters, i);

      if (a->gguf == NULL)
        {
          g_autoptr(GString) convert = g_string_new ("python3 convert_lora_to_gguf.py --outtype f16 --outfile");

          a->gguf = g_build_filename (a->candidate->path, "adapter.gguf", NULL);
          a->converted = TRUE;
          arg (convert, a->gguf);
          /* The script needs the base's config.json: a local folder, else the Hub. */
          if (base_hf_dir != NULL || is_local_path (f->base_model))
            {
              g_string_append (convert, " --base");
              arg (convert, base_hf_dir != NULL ? base_hf_dir : f->base_model);
            }
          else if (looks_like_hub_id (f->base_model))
            {
              g_string_append (convert, " --base-model-id");
              arg (convert, f->base_model);
            }
          arg (convert, a->candidate->path);
          add_step (plan, g_strdup_printf (_("Convert the adapter of %s to GGUF"), adapter_name (a)),
                    g_string_free (g_steal_pointer (&convert), FALSE));
          converting = TRUE;
        }
      g_strv_builder_add (adapters, a->gguf);
      add_model (plan, adapter_name (a), a->serve_name, lora_request_extra (f->adapters->len, i));
    }
  adapter_files = g_strv_builder_end (adapters);
  lora_value = debrief_serve_llama_lora_value ((const char *const *) adapter_files);
  g_string_append (serve, " --lora");
  arg (serve, lora_value);
  /* What Debrief needs to start it itself (DebriefLlamaServer) when nothing is left to convert. */
  if (!converting)
    {
      plan->llama_model = g_strdup (base_gguf);
      plan->llama_adapters = g_strdupv (adapter_files);
    }
  /* With several adapters at scale 1 a plain client would get all of them at once. */
  if (f->adapters->len > 1)
    g_string_append (serve, " --lora-init-without-apply");
  g_string_append (serve, " --host 127.0.0.1 --port");
  arg_int (serve, port);
  add_step (plan, g_strdup (_("Start llama-server with the base model and the adapters")),
            g_string_free (g_steal_pointer (&serve), FALSE));
  if (converting)
    add_note (plan, g_strdup (_("Run the conversion scripts from a llama.cpp checkout, after "
                                "pip install -r requirements/requirements-convert_lora_to_gguf.txt.")));
  /* Adapters already in GGUF need no safetensors. */
  for (guint i = f->missing_weights->len; i > 0; i--)
    for (guint j = 0; j < f->adapters->len; j++)
      {
        Adapter *a = g_ptr_array_index (f->adapters, j);

        if (a->gguf != NULL && !a->converted && g_strcmp0 (a->candidate->name, g_ptr_array_index (f->missing_weights, i - 1)) == 0)
          {
            g_ptr_array_remove_index (f->missing_weights, i - 1);
            break;
          }
      }
  add_note (plan, g_strdup (_("One llama-server serves the base and every adapter: Debrief picks the adapter for each "
                              "request with llama-server’s “lora” field (the base is all scales at 0).")));
  add_note (plan, g_strdup (_("Debrief sends 4 requests at once: keep llama-server’s --parallel at 4 or more (the default "
                              "of current releases). With a single slot, queued requests for different adapters came "
                              "back with the wrong adapter in our tests.")));
  common_notes (plan, f);
  plan->baseline_model = g_strdup (short_base);
  plan->baseline_request_extra = lora_request_extra (f->adapters->len, -1);
}

static const char *
ollama_tag (const char *base)
{
  for (guint i = 0; i < G_N_ELEMENTS (ollama_tags); i++)
    if (g_ascii_strcasecmp (base, ollama_tags[i].hf) == 0)
      return ollama_tags[i].ollama;
  return NULL;
}

/* A Modelfile value: as is, or quoted the way Ollama's parser unquotes it; NULL if it cannot be written. */
static char *
modelfile_value (const char *s)
{
  size_t n = strlen (s);
  gboolean edge_space = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
  gboolean newline = strpbrk (s, "\r\n") != NULL;

  if (n == 0 || strstr (s, "\"\"\"") != NULL)
    return NULL;
  if (!edge_space && !newline && s[0] != '"')
    return g_strdup (s);
  if (strchr (s, '"') == NULL)
    return g_strdup_printf ("\"%s\"", s);
  /* """…""" ends at the first """; a value ending in " would merge into it. */
  if (s[n - 1] == '"')
    return NULL;
  return g_strdup_printf ("\"\"\"%s\"\"\"", s);
}

/* A command writing @contents (lines) to @path exactly: printf with quoted arguments. */
static char *
write_file_command (const char *const *lines,
                    const char        *path)
{
  GString *cmd = g_string_new ("printf '%s\\n'");

  for (guint i = 0; lines[i] != NULL; i++)
    arg (cmd, lines[i]);
  g_string_append (cmd, " >");
  arg (cmd, path);
  return g_string_free (cmd, FALSE);
}

static void
plan_ollama (DebriefServePlan          *plan,
             Facts                     *f,
             const DebriefServeOptions *options)
{
  g_autofree char *reason = peft_blocker (plan->server, f);
  g_autofree char *from = NULL;
  g_autofree char *from_value = NULL;
  const char *tag = NULL;

  if (reason != NULL)
    {
      unavailable (plan, g_steal_pointer (&reason));
      return;
    }
  if (options->base_gguf != NULL)
    from = absolute (options->base_gguf);
  else if (is_local_path (f->base_model))
    from = absolute (f->base_model);
  else if ((tag = ollama_tag (f->base_model)) != NULL)
    from = g_strdup (tag);
  else
    {
      from = g_strdup (f->base_model);
      add_note (plan, g_strdup_printf (_("Ollama does not know “%s” by that name: replace FROM with the Ollama model of "
                                         "the same base (ollama list), or with the path of its safetensors or GGUF weights."),
                                       f->base_model));
    }
  from_value = modelfile_value (from);
  if (from_value == NULL)
    {
      unavailable (plan, g_strdup (_("The base model’s path cannot be written in a Modelfile.")));
      return;
    }
  if (tag != NULL)
    {
      g_autoptr(GString) pull = g_string_new ("ollama pull");

      arg (pull, tag);
      add_step (plan, g_strdup_printf (_("Fetch the base model (%s is Ollama’s %s)"), f->base_model, tag),
                g_string_free (g_steal_pointer (&pull), FALSE));
      plan->baseline_model = g_strdup (tag);
    }
  else
    {
      /* The base as a model of its own, to sample side by side. */
      g_autofree char *base_name = serve_name (f->run, "base", TRUE);
      g_autofree char *run_dir = absolute (debrief_run_get_path (f->run));
      g_autofree char *modelfile = g_build_filename (run_dir, "Modelfile.base", NULL);
      g_autofree char *line = g_strconcat ("FROM ", from_value, NULL);
      const char *lines[] = { line, NULL };
      g_autoptr(GString) create = g_string_new ("ollama create");
      DebriefServeFile *file = g_new0 (DebriefServeFile, 1);

      file->path = g_strdup (modelfile);
      file->contents = g_strconcat (line, "\n", NULL);
      g_ptr_array_add (plan->files, file);
      add_step (plan, g_strdup (_("Write the base model’s Modelfile")), write_file_command (lines, modelfile));
      arg (create, base_name);
      g_string_append (create, " -f");
      arg (create, modelfile);
      add_step (plan, g_strdup (_("Create the base model in Ollama")), g_string_free (g_steal_pointer (&create), FALSE));
      plan->baseline_model = g_strdup (base_name);
    }

  for (guint i = 0; i < f->adapters->len; i++)
    {
      Adapter *a = g_ptr_array_index (f->adapters, i);
      g_autofree char *name = serve_name (f->run, adapter_name (a), TRUE);
      g_autofree char *modelfile = g_build_filename (a->candidate->path, "Modelfile", NULL);
      g_autofree char *adapter_value = modelfile_value (a->gguf != NULL ? a->gguf : a->candidate->path);
      g_autofree char *from_line = g_strconcat ("FROM ", from_value, NULL);
      g_autofree char *adapter_line = NULL;
      g_autoptr(GString) create = g_string_new ("ollama create");
      DebriefServeFile *file;

      if (adapter_value == NULL)
        {
          unavailable (plan, g_strdup_printf (_("The path of %s cannot be written in a Modelfile."), adapter_name (a)));
          return;
        }
      adapter_line = g_strconcat ("ADAPTER ", adapter_value, NULL);
      {
        const char *lines[] = { from_line, adapter_line, NULL };

        file = g_new0 (DebriefServeFile, 1);
        file->path = g_strdup (modelfile);
        file->contents = g_strconcat (from_line, "\n", adapter_line, "\n", NULL);
        g_ptr_array_add (plan->files, file);
        add_step (plan, g_strdup_printf (_("Write the Modelfile of %s"), adapter_name (a)),
                  write_file_command (lines, modelfile));
      }
      arg (create, name);
      g_string_append (create, " -f");
      arg (create, modelfile);
      add_step (plan, g_strdup_printf (_("Create %s in Ollama"), name), g_string_free (g_steal_pointer (&create), FALSE));
      add_model (plan, adapter_name (a), name, NULL);
    }
  add_note (plan, g_strdup (_("Ollama imports safetensors adapters of Llama, Mistral and Gemma models; for another "
                              "architecture convert the adapter to GGUF first (see llama.cpp) and Debrief uses that file.")));
  add_note (plan, g_strdup (_("Start the server with ollama serve if it is not running yet.")));
  common_notes (plan, f);
}

static void
plan_tinker (DebriefServePlan *plan,
             Facts            *f)
{
  if (f->adapters->len == 0)
    {
      unavailable (plan, g_strdup (_("The run has no saved checkpoint to serve.")));
      return;
    }
  for (guint i = 0; i < f->adapters->len; i++)
    {
      Adapter *a = g_ptr_array_index (f->adapters, i);
      const char *sampler = a->candidate->sampler_path;

      if (sampler == NULL || sampler[0] == '\0')
        {
          unavailable (plan, f->tinker
                       ? g_strdup_printf (_("%s has no sampler_path in checkpoints.jsonl (only sampler weights can be sampled)."),
                                          adapter_name (a))
                       : g_strdup (_("Tinker serves checkpoints trained on Tinker (a sampler_path in checkpoints.jsonl); "
                                     "this run was not.")));
          return;
        }
      add_model (plan, adapter_name (a), sampler, NULL);
    }
  plan->api_key_env = g_strdup ("TINKER_API_KEY");
  plan->baseline_model = g_strdup (f->base_model);
  add_note (plan, g_strdup (_("Nothing to start: Tinker serves the sampler weights of every saved checkpoint. "
                              "Put your Tinker API key in TINKER_API_KEY.")));
  if (f->base_model == NULL)
    add_note (plan, g_strdup (_("The base model is not named in config.json (model_name): give the baseline by hand.")));
}

DebriefServePlan *
debrief_serve_plan_new (DebriefRun                *run,
                        DebriefServer              server,
                        const char *const         *checkpoints,
                        const DebriefServeOptions *options)
{
  static const DebriefServeOptions no_options = { NULL, 0 };
  DebriefServePlan *plan;
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  guint best;
  guint port;
  Facts f;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);
  g_return_val_if_fail (server < DEBRIEF_N_SERVERS, NULL);

  if (options == NULL)
    options = &no_options;
  plan = plan_new (server);
  port = options->port != 0 ? options->port : default_ports[server];
  candidates = list_candidates (run, &best);
  {
    g_autoptr(GError) error = NULL;

    names = debrief_serve_resolve_checkpoints (run, checkpoints, &error);
    if (names == NULL)
      {
        unavailable (plan, g_strdup (error->message));
        return plan;
      }
  }
  gather (run, candidates, (const char *const *) names, &f);
  for (guint i = 0; i < f.adapters->len; i++)
    {
      Adapter *a = g_ptr_array_index (f.adapters, i);

      a->serve_name = serve_name (run, a->candidate->name, FALSE);
    }
  if (server == DEBRIEF_SERVER_TINKER)
    plan->base_url = g_strdup (DEBRIEF_TINKER_OPENAI_URL);
  else
    plan->base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", port);

  switch (server)
    {
    case DEBRIEF_SERVER_VLLM:
      plan_vllm (plan, &f, port);
      break;
    case DEBRIEF_SERVER_SGLANG:
      plan_sglang (plan, &f, port);
      break;
    case DEBRIEF_SERVER_LLAMA_CPP:
      plan_llama_cpp (plan, &f, port, options);
      break;
    case DEBRIEF_SERVER_OLLAMA:
      plan_ollama (plan, &f, options);
      break;
    case DEBRIEF_SERVER_TINKER:
    default:
      plan_tinker (plan, &f);
      break;
    }
  if (!plan->available)
    {
      /* Half a plan would be a wrong plan. */
      g_ptr_array_set_size (plan->steps, 0);
      g_ptr_array_set_size (plan->files, 0);
      g_ptr_array_set_size (plan->models, 0);
      g_clear_pointer (&plan->baseline_model, g_free);
      g_clear_pointer (&plan->baseline_request_extra, g_free);
      g_clear_pointer (&plan->llama_model, g_free);
      g_clear_pointer (&plan->llama_adapters, g_strfreev);
    }
  facts_clear (&f);
  return plan;
}

GArray *
debrief_serve_plan_get_columns (const DebriefServePlan *plan,
                                DebriefRun             *run,
                                gboolean                with_baseline)
{
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (DebriefSampleColumn));

  for (guint i = 0; i < plan->models->len; i++)
    {
      DebriefServeModel *m = g_ptr_array_index (plan->models, i);
      DebriefSampleColumn c = { DEBRIEF_ROLE_FINE_TUNED, m->model, m->checkpoint, -1, m->request_extra };

      for (guint j = 0; run != NULL && j < debrief_run_get_n_checkpoints (run); j++)
        if (g_strcmp0 (debrief_run_get_checkpoint (run, j)->name, m->checkpoint) == 0)
          c.step = debrief_run_get_checkpoint (run, j)->step;
      g_array_append_val (columns, c);
    }
  if (with_baseline && plan->baseline_model != NULL)
    {
      DebriefSampleColumn c = { DEBRIEF_ROLE_BASELINE, plan->baseline_model, NULL, -1, plan->baseline_request_extra };

      g_array_append_val (columns, c);
    }
  return columns;
}

char *
debrief_serve_plan_sample_command (const DebriefServePlan *plan,
                                   const char             *dir)
{
  g_autoptr(GString) cmd = g_string_new ("debrief-cli sample --server");

  arg (cmd, debrief_server_to_string (plan->server));
  for (guint i = 0; i < plan->models->len; i++)
    {
      g_string_append (cmd, " --checkpoint");
      arg (cmd, ((DebriefServeModel *) g_ptr_array_index (plan->models, i))->checkpoint);
    }
  if (plan->api_key_env != NULL)
    {
      g_string_append (cmd, " --api-key-env");
      arg (cmd, plan->api_key_env);
    }
  arg (cmd, dir);
  return g_string_free (g_steal_pointer (&cmd), FALSE);
}

char *
debrief_serve_plan_to_text (const DebriefServePlan *plan)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "## %s\n\n", debrief_server_get_title (plan->server));
  if (!plan->available)
    {
      g_string_append_printf (out, "%s\n", plan->reason);
      return g_string_free (out, FALSE);
    }
  for (guint i = 0; i < plan->steps->len; i++)
    {
      DebriefServeStep *step = g_ptr_array_index (plan->steps, i);

      g_string_append_printf (out, "%u. %s:\n\n    %s\n\n", i + 1, step->title, step->command);
    }
  for (guint i = 0; i < plan->notes->len; i++)
    g_string_append_printf (out, "- %s\n", (const char *) g_ptr_array_index (plan->notes, i));
  if (plan->notes->len > 0)
    g_string_append_c (out, '\n');
  g_string_append_printf (out, _("Endpoint: %s"), plan->base_url);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < plan->models->len; i++)
    {
      DebriefServeModel *m = g_ptr_array_index (plan->models, i);

      g_string_append_printf (out, _("Fine-tuned (%s): model %s"), m->checkpoint, m->model);
      g_string_append_c (out, '\n');
    }
  if (plan->baseline_model != NULL)
    {
      g_string_append_printf (out, _("Baseline: model %s"), plan->baseline_model);
      g_string_append_c (out, '\n');
    }
  if (plan->api_key_env != NULL)
    {
      g_string_append_printf (out, _("API key: $%s"), plan->api_key_env);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* ---- the whole set, off the GUI thread ---- */

static void
serve_set_free (DebriefServeSet *set)
{
  g_clear_pointer (&set->plans, g_ptr_array_unref);
  g_strfreev (set->checkpoints);
  g_strfreev (set->picked);
  g_free (set->best);
  g_free (set->eval_data);
  g_free (set->eval_named_by);
  g_free (set->eval_missing);
  g_free (set->llama_binary);
  g_free (set->llama_missing);
}

DebriefServeSet *
debrief_serve_set_ref (DebriefServeSet *set)
{
  return g_atomic_rc_box_acquire (set);
}

void
debrief_serve_set_unref (DebriefServeSet *set)
{
  g_atomic_rc_box_release_full (set, (GDestroyNotify) serve_set_free);
}

G_DEFINE_BOXED_TYPE (DebriefServeSet, debrief_serve_set, debrief_serve_set_ref, debrief_serve_set_unref)

typedef struct
{
  DebriefRun *run;          /* a copy the thread owns */
  GStrv checkpoints;
  char *base_gguf;
} SetJob;

static void
set_job_free (SetJob *job)
{
  g_clear_object (&job->run);
  g_strfreev (job->checkpoints);
  g_free (job->base_gguf);
  g_free (job);
}

/* What a plan reads of a run, copied: nothing else is touched from the thread. */
static DebriefRun *
snapshot (DebriefRun *run)
{
  DebriefRun *copy = debrief_run_new (debrief_run_get_folder (run));

  debrief_run_set_name (copy, debrief_run_get_name (run));
  debrief_run_set_format (copy, debrief_run_get_format (run));
  debrief_run_config_clear (debrief_run_get_config (copy));
  debrief_run_config_copy (debrief_run_get_config (copy), debrief_run_get_config (run));
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    debrief_run_add_checkpoint (copy, debrief_run_get_checkpoint (run, i));
  return copy;
}

static void
set_thread (GTask        *task,
            gpointer      source,
            gpointer      data,
            GCancellable *cancellable)
{
  SetJob *job = data;
  DebriefServeSet *set = g_atomic_rc_box_new0 (DebriefServeSet);
  DebriefServeOptions options = { job->base_gguf, 0 };
  g_auto(GStrv) best = debrief_serve_default_checkpoints (job->run);
  const char *dir = debrief_run_get_path (job->run);

  set->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_serve_plan_unref);
  set->checkpoints = debrief_serve_list_checkpoints (job->run);
  set->best = g_strdup (best[0]);
  set->picked = debrief_serve_resolve_checkpoints (job->run, (const char *const *) job->checkpoints, NULL);
  if (set->picked == NULL)
    set->picked = g_strdupv (best);
  for (guint s = 0; s < DEBRIEF_N_SERVERS; s++)
    g_ptr_array_add (set->plans, debrief_serve_plan_new (job->run, s, (const char *const *) set->picked, &options));
  if (dir != NULL)
    set->eval_data = debrief_eval_data_find (dir, &set->eval_named_by, &set->eval_missing);
  {
    g_autoptr(GError) error = NULL;

    set->llama_binary = debrief_llama_server_find (&error);
    if (set->llama_binary == NULL)
      set->llama_missing = g_strdup (error->message);
  }
  g_task_return_pointer (task, set, (GDestroyNotify) debrief_serve_set_unref);
}

void
debrief_serve_set_new_async (DebriefRun          *run,
                             const char *const   *checkpoints,
                             const char          *base_gguf,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SetJob *job = g_new0 (SetJob, 1);

  g_return_if_fail (DEBRIEF_IS_RUN (run));

  g_task_set_source_tag (task, debrief_serve_set_new_async);
  job->run = snapshot (run);
  job->checkpoints = g_strdupv ((char **) checkpoints);
  job->base_gguf = g_strdup (base_gguf);
  g_task_set_task_data (task, job, (GDestroyNotify) set_job_free);
  g_task_run_in_thread (task, set_thread);
}

DebriefServeSet *
debrief_serve_set_new_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
