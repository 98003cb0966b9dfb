/* debrief-serve.h: how to serve a run's checkpoints, per inference server
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the checkpoints picked (by default the best by validation loss, else
 * the last), the exact launch lines for vLLM, SGLang, llama.cpp's
 * llama-server (with the GGUF conversion of a PEFT adapter), Ollama (a
 * Modelfile with FROM and ADAPTER) and Tinker (its sampler_path), and the
 * endpoint profile that samples through them: base URL, the model name of
 * each fine-tuned checkpoint, the baseline's.
 *
 * Paths come from logs and configs: they are data, quoted for the shell (and
 * for a Modelfile) so that any name a file system allows survives a copy and
 * paste. Building a plan reads small files (adapter_config.json, GGUF
 * headers): call it off the GUI thread.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-run.h"
#include "debrief-sampler.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_SERVER_VLLM,
  DEBRIEF_SERVER_SGLANG,
  DEBRIEF_SERVER_LLAMA_CPP,
  DEBRIEF_SERVER_OLLAMA,
  DEBRIEF_SERVER_TINKER,
} DebriefServer;

#define DEBRIEF_N_SERVERS 5

/* "vllm", "sglang", "llama.cpp", "ollama", "tinker" (the endpoint-profile ids). */
const char *debrief_server_to_string   (DebriefServer  server);
gboolean    debrief_server_from_string (const char    *s,
                                        DebriefServer *server);
/* "vLLM", "SGLang", "llama.cpp", "Ollama", "Tinker" (names, not translated). */
const char *debrief_server_get_title   (DebriefServer  server);
/* The server's usual OpenAI-compatible base URL on this machine (Tinker's service for Tinker). */
const char *debrief_server_default_url (DebriefServer  server);

#define DEBRIEF_TINKER_OPENAI_URL "https://tinker.thinkingmachines.dev/services/tinker-prod/oai/api/v1"

/* @s quoted for a POSIX shell: unchanged when it holds only characters no
 * shell treats specially, else in single quotes (a ' written as '\''). */
char       *debrief_shell_quote        (const char    *s);

struct _DebriefServeStep
{
  char *title;            /* what the step does, one translated sentence */
  char *command;          /* one shell command line, arguments quoted */
};

struct _DebriefServeModel
{
  char *checkpoint;       /* the checkpoint's name */
  char *model;            /* the "model" to request */
  char *request_extra;    /* JSON object merged into each request (llama.cpp's "lora"), NULL none */
};

struct _DebriefServeFile
{
  char *path;             /* where to write it (absolute) */
  char *contents;
};

struct _DebriefServePlan
{
  DebriefServer server;
  gboolean available;
  char *reason;           /* why this server cannot serve the run (when not available) */
  GPtrArray *files;       /* DebriefServeFile*: files the steps expect (Ollama's Modelfile) */
  GPtrArray *steps;       /* DebriefServeStep*, in order */
  GPtrArray *notes;       /* char*: what the user must know (a rounded rank, missing weights) */
  /* The endpoint profile to sample through it. */
  char *base_url;
  char *api_key_env;      /* NULL: no key needed */
  char *baseline_model;   /* NULL: unknown */
  char *baseline_request_extra;
  GPtrArray *models;      /* DebriefServeModel*, one per checkpoint, in the order asked */
  /* llama.cpp, when the base and every adapter are GGUF files already (nothing to
   * convert): what to start llama-server with; adapter i is "lora" id i. NULL otherwise. */
  char *llama_model;
  GStrv llama_adapters;
};

#define DEBRIEF_TYPE_SERVE_PLAN (debrief_serve_plan_get_type ())
GType             debrief_serve_plan_get_type (void) G_GNUC_CONST;
DebriefServePlan *debrief_serve_plan_ref      (DebriefServePlan *plan);
void              debrief_serve_plan_unref    (DebriefServePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefServePlan, debrief_serve_plan_unref)

struct _DebriefServeOptions
{
  const char *base_gguf;  /* llama.cpp: the base model as GGUF, NULL to look for one / convert */
  guint port;             /* 0: the server's default */
};

/* The checkpoints Debrief samples by default: the best by validation loss,
 * else the final, else the last (an adapter saved in the run folder itself
 * counts as "final" when there is no checkpoint-N). Names only. */
GStrv             debrief_serve_default_checkpoints (DebriefRun *run);
/* Resolves user names: checkpoint names, or "best", "last" (also "final").
 * Duplicates are dropped; an unknown name is an error listing the known ones. */
GStrv             debrief_serve_resolve_checkpoints (DebriefRun         *run,
                                                     const char *const  *names,
                                                     GError            **error);
/* Every checkpoint name a plan accepts (checkpoint-N folders, and "final" for
 * an adapter saved in the run folder itself), in step order. */
GStrv             debrief_serve_list_checkpoints    (DebriefRun *run);

/* The plan for @server and @checkpoints (names or "best"/"last", resolved as
 * above; NULL or empty: the default pick). Never NULL: a server that does not
 * fit the run (or an unknown checkpoint) is a plan with available FALSE and a reason. */
DebriefServePlan *debrief_serve_plan_new        (DebriefRun                *run,
                                                 DebriefServer              server,
                                                 const char *const         *checkpoints,
                                                 const DebriefServeOptions *options);

/* The plan as readable text (headings, steps, notes, the endpoint). */
char             *debrief_serve_plan_to_text    (const DebriefServePlan *plan);

/* The sampler's columns for @plan: each checkpoint (its step from @run),
 * then the baseline when @with_baseline and the plan names one. The strings
 * point into @plan: keep it alive while the array is used. */
GArray           *debrief_serve_plan_get_columns (const DebriefServePlan *plan,
                                                  DebriefRun             *run,
                                                  gboolean                with_baseline);

/* What the Samples page shows, computed off the GUI thread: a plan per
 * server (index = DebriefServer), the checkpoints there are, the ones
 * picked, and the evaluation data the run's config names. */
struct _DebriefServeSet
{
  GPtrArray *plans;        /* DebriefServePlan*, DEBRIEF_N_SERVERS of them */
  GStrv checkpoints;       /* every checkpoint a plan accepts */
  GStrv picked;            /* the checkpoints the plans are for */
  char *best;              /* Debrief's pick (the best by validation loss, else the last); NULL none */
  char *eval_data;         /* debrief_eval_data_find; NULL none */
  char *eval_named_by;
  char *eval_missing;
  char *llama_binary;      /* debrief_llama_server_find; NULL: not installed */
  char *llama_missing;     /* why not */
};

#define DEBRIEF_TYPE_SERVE_SET (debrief_serve_set_get_type ())
GType            debrief_serve_set_get_type (void) G_GNUC_CONST;
DebriefServeSet *debrief_serve_set_ref      (DebriefServeSet *set);
void             debrief_serve_set_unref    (DebriefServeSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefServeSet, debrief_serve_set_unref)

/* Builds the set in a thread, from a copy of what @run says (its folder,
 * name, format, config and checkpoints), so the run may change meanwhile.
 * @checkpoints NULL: Debrief's pick; @base_gguf may be NULL. */
void             debrief_serve_set_new_async  (DebriefRun          *run,
                                               const char *const   *checkpoints,
                                               const char          *base_gguf,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
DebriefServeSet *debrief_serve_set_new_finish (GAsyncResult        *result,
                                               GError             **error);

/* llama-server's --lora value for @adapters: one comma-separated row, each
 * path quoted as its CSV parser wants when it holds a comma or a quote. */
char             *debrief_serve_llama_lora_value (const char *const *adapters);

/* The `debrief-cli sample` line that samples through @plan. */
char             *debrief_serve_plan_sample_command (const DebriefServePlan *plan,
                                                     const char             *dir);

G_END_DECLS
