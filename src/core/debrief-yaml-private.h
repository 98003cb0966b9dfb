/* debrief-yaml-private.h: the small block-YAML subset trackers write (private to libdebrief)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * W&B's files/config.yaml and MLflow's meta.yaml are written by PyYAML's
 * safe_dump: block mappings and sequences by indentation, plain and quoted
 * scalars, the odd flow collection ([], {a: 1}) and block scalars (|, >).
 * That is what is read here, into the same small DOM as JSON configuration
 * files, so the readers can hand it to debrief_reader_apply_config(). Anchors,
 * tags and multi-document streams are not configuration and are not read.
 */
#pragma once

#include "debrief-json-private.h"

G_BEGIN_DECLS

/* Deeper nesting than this is an error (the parser recurses). */
#define DEBRIEF_YAML_MAX_DEPTH 64

/* Scalars become NULL (null, ~, empty), TRUE/FALSE (true/false/yes/no in any
 * case), NUMBER (integers, decimals, .nan, .inf) or STRING. The first
 * document's top level must be a mapping; errors name @file and the line. */
DebriefJsonNode *debrief_yaml_parse (const char  *data,
                                     gsize        length,
                                     const char  *file,
                                     GError     **error);

G_END_DECLS
