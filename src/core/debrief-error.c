/* debrief-error.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-error.h"

G_DEFINE_QUARK (debrief-error-quark, debrief_error)
