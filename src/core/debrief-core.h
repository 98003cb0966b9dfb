/* debrief-core.h: the public API of libdebrief (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app, the CLI and the tests include this header and nothing else from
 * src/core: each public header refuses to be included directly (it checks
 * DEBRIEF_INSIDE, defined here, or DEBRIEF_COMPILATION, defined while building
 * libdebrief itself), so the public API is exactly what is listed here.
 * Headers named *-private.h are libdebrief's own (readers, the JSON tokenizer,
 * statistics, the analysis' shared context); white-box tests reach them through
 * libdebrief_private_dep.
 */
#pragma once

#define DEBRIEF_INSIDE

#include "debrief-types.h"

/* Models */
#include "debrief-error.h"
#include "debrief-series.h"
#include "debrief-run.h"
#include "debrief-run-progress.h"
#include "debrief-loader.h"
#include "debrief-run-follower.h"
#include "debrief-model-table.h"

/* Analysis, capacity, report */
#include "debrief-action.h"
#include "debrief-finding.h"
#include "debrief-capacity.h"
#include "debrief-analysis.h"
#include "debrief-document.h"
#include "debrief-report.h"

/* Plot data and renderer */
#include "debrief-plot-smooth.h"
#include "debrief-plot-pyramid.h"
#include "debrief-plot-data.h"
#include "debrief-plot-renderer.h"

/* OpenAI-compatible client, sampler, judge */
#include "debrief-client.h"
#include "debrief-samples.h"
#include "debrief-jsonl-writer.h"
#include "debrief-sampler.h"
#include "debrief-judge.h"
#include "debrief-serve.h"
#include "debrief-prompts.h"
#include "debrief-llama-server.h"

/* The workspace: open runs, their loading and analysis */
#include "debrief-run-overrides.h"
#include "debrief-load-batch.h"
#include "debrief-workspace.h"

/* Sweeps: many runs compared */
#include "debrief-sweep-run.h"
#include "debrief-sweep.h"
#include "debrief-sweep-model.h"

#undef DEBRIEF_INSIDE
