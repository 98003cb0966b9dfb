/* debrief-cli-json.h: JSON objects more than one subcommand prints
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "debrief-core.h"

G_BEGIN_DECLS

/* One RUN object of `analyze --json` (DESIGN.md "The CLI contract"); compare
 * prints the same objects. */
void debrief_cli_add_run_json (JsonBuilder     *builder,
                               DebriefRun      *run,
                               DebriefAnalysis *analysis);

G_END_DECLS
