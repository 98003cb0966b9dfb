/* debrief-json-glib-private.h: reading members of json-glib objects from files
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json_object_get_string_member_with_default () raises a critical warning
 * when the member is an object or an array; files are data, so these return
 * NULL / NAN for a member of the wrong type instead.
 */
#pragma once

#include <math.h>

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @name's string, or NULL (no such member, or not a string). @obj may be NULL. */
static inline const char *
debrief_json_string (JsonObject *obj,
                     const char *name)
{
  JsonNode *node = obj != NULL && json_object_has_member (obj, name) ? json_object_get_member (obj, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* @name's number (an integer or a double), or NAN. @obj may be NULL. */
static inline double
debrief_json_number (JsonObject *obj,
                     const char *name)
{
  JsonNode *node = obj != NULL && json_object_has_member (obj, name) ? json_object_get_member (obj, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    return json_node_get_double (node);
  return NAN;
}

G_END_DECLS
