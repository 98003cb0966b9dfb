/* debrief-error.h: the project's error domain
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib.h>

#include "debrief-types.h"

G_BEGIN_DECLS

#define DEBRIEF_ERROR (debrief_error_quark ())

typedef enum
{
  DEBRIEF_ERROR_FAILED,
  DEBRIEF_ERROR_NOT_A_RUN,        /* the folder holds nothing Debrief can read */
  DEBRIEF_ERROR_PARSE,            /* malformed content: message names file and line */
  DEBRIEF_ERROR_NO_DATA,          /* well-formed, but no usable series */
  DEBRIEF_ERROR_TOO_LARGE,        /* input exceeds a safety cap */
  DEBRIEF_ERROR_INVALID_ARGUMENT, /* a user-supplied value is out of range */
  DEBRIEF_ERROR_MISSING_INFO,     /* a computation lacks an input (say which) */
  DEBRIEF_ERROR_NETWORK,          /* connection, timeout, stream cut */
  DEBRIEF_ERROR_HTTP,             /* the server answered with an error status */
  DEBRIEF_ERROR_PROTOCOL,         /* the server's answer is not what the API says */
  DEBRIEF_ERROR_CANCELLED_PARTIAL,/* cancelled, some results kept */
  DEBRIEF_ERROR_CONFLICT,         /* a file changed on disk under us */
} DebriefError;

GQuark debrief_error_quark (void);

G_END_DECLS
