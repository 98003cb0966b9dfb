/* debrief-core.h: the public API of libdebrief (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-error.h"
#include "debrief-series.h"
#include "debrief-run.h"
#include "debrief-loader.h"
#include "debrief-stats.h"
#include "debrief-finding.h"
#include "debrief-capacity.h"
#include "debrief-analysis.h"
#include "debrief-report.h"
