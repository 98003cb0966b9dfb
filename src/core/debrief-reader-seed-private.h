/* debrief-reader-seed-private.h: the checklist's own metrics.json
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {"train_losses": [...], "val_losses": [...], "val_steps": [...],
 *  "learning_rates": [...], "config": {...}}: train loss i (0-based) is step
 * i + 1; validation losses sit at val_steps, else at the config's eval_every,
 * else spread evenly over the steps.
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* Cheap check on the first bytes of a metrics.json. */
gboolean debrief_reader_seed_detect (const char         *data,
                                     gsize               length);
/* Parses a whole metrics.json from memory into ctx->run (series and config). */
gboolean debrief_reader_seed_parse  (DebriefReadContext *ctx,
                                     const char         *data,
                                     gsize               length,
                                     GError            **error);

G_END_DECLS
