/* debrief-finding.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "debrief-action.h"
#include "debrief-finding.h"

struct _DebriefFinding
{
  GObject parent_instance;

  char *id;
  DebriefSeverity severity;
  char *title;
  char *evidence;
  char *cause;
  char *fix;
  gint64 step;
  GPtrArray *actions;   /* DebriefAction */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_SEVERITY,
  PROP_TITLE,
  PROP_EVIDENCE,
  PROP_CAUSE,
  PROP_FIX,
  PROP_STEP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefFinding, debrief_finding, G_TYPE_OBJECT)

GType
debrief_severity_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { DEBRIEF_SEVERITY_INFO, "DEBRIEF_SEVERITY_INFO", "info" },
        { DEBRIEF_SEVERITY_WARNING, "DEBRIEF_SEVERITY_WARNING", "warning" },
        { DEBRIEF_SEVERITY_ERROR, "DEBRIEF_SEVERITY_ERROR", "error" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("DebriefSeverity", values);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

const char *
debrief_severity_to_string (DebriefSeverity severity)
{
  switch (severity)
    {
    case DEBRIEF_SEVERITY_ERROR:
      return "error";
    case DEBRIEF_SEVERITY_WARNING:
      return "warning";
    case DEBRIEF_SEVERITY_INFO:
    default:
      return "info";
    }
}

static void
debrief_finding_finalize (GObject *object)
{
  DebriefFinding *self = (DebriefFinding *)object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->evidence);
  g_free (self->cause);
  g_free (self->fix);
  g_ptr_array_unref (self->actions);

  G_OBJECT_CLASS (debrief_finding_parent_class)->finalize (object);
}

static void
debrief_finding_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DebriefFinding *self = DEBRIEF_FINDING (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_SEVERITY:
      g_value_set_enum (value, self->severity);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_EVIDENCE:
      g_value_set_string (value, self->evidence);
      break;
    case PROP_CAUSE:
      g_value_set_string (value, self->cause);
      break;
    case PROP_FIX:
      g_value_set_string (value, self->fix);
      break;
    case PROP_STEP:
      g_value_set_int64 (value, self->step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_finding_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DebriefFinding *self = DEBRIEF_FINDING (object);

  /* Construct-only: each is set exactly once. */
  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_SEVERITY:
      self->severity = g_value_get_enum (value);
      break;
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_EVIDENCE:
      self->evidence = g_value_dup_string (value);
      break;
    case PROP_CAUSE:
      self->cause = g_value_dup_string (value);
      break;
    case PROP_FIX:
      self->fix = g_value_dup_string (value);
      break;
    case PROP_STEP:
      self->step = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_finding_class_init (DebriefFindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = debrief_finding_finalize;
  object_class->get_property = debrief_finding_get_property;
  object_class->set_property = debrief_finding_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_SEVERITY] = g_param_spec_enum ("severity", NULL, NULL, DEBRIEF_TYPE_SEVERITY,
                                                 DEBRIEF_SEVERITY_INFO, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_EVIDENCE] = g_param_spec_string ("evidence", NULL, NULL, NULL, flags);
  properties[PROP_CAUSE] = g_param_spec_string ("cause", NULL, NULL, NULL, flags);
  properties[PROP_FIX] = g_param_spec_string ("fix", NULL, NULL, NULL, flags);
  properties[PROP_STEP] = g_param_spec_int64 ("step", NULL, NULL, -1, G_MAXINT64, -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_finding_init (DebriefFinding *self)
{
  self->step = -1;
  self->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_action_free);
}

DebriefFinding *
debrief_finding_new (const char      *id,
                     DebriefSeverity  severity,
                     const char      *title,
                     const char      *evidence,
                     const char      *cause,
                     const char      *fix,
                     gint64           step)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (DEBRIEF_TYPE_FINDING,
                       "id", id,
                       "severity", severity,
                       "title", title,
                       "evidence", evidence,
                       "cause", cause,
                       "fix", fix,
                       "step", step < 0 ? (gint64) -1 : step,
                       NULL);
}

const char *
debrief_finding_get_id (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);
  return self->id;
}

DebriefSeverity
debrief_finding_get_severity (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), DEBRIEF_SEVERITY_INFO);
  return self->severity;
}

const char *
debrief_finding_get_title (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);
  return self->title;
}

const char *
debrief_finding_get_evidence (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);
  return self->evidence;
}

const char *
debrief_finding_get_cause (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);
  return self->cause;
}

const char *
debrief_finding_get_fix (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);
  return self->fix;
}

gint64
debrief_finding_get_step (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), -1);
  return self->step;
}

void
debrief_finding_add_action (DebriefFinding *self,
                            DebriefAction  *action)
{
  g_return_if_fail (DEBRIEF_IS_FINDING (self));
  g_return_if_fail (action != NULL);

  g_ptr_array_add (self->actions, action);
}

guint
debrief_finding_get_n_actions (DebriefFinding *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), 0);
  return self->actions->len;
}

const DebriefAction *
debrief_finding_get_action (DebriefFinding *self,
                            guint           i)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);
  g_return_val_if_fail (i < self->actions->len, NULL);
  return g_ptr_array_index (self->actions, i);
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
debrief_finding_to_json (DebriefFinding *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);

  json_builder_begin_object (b);
  add_string_or_null (b, "id", self->id);
  add_string_or_null (b, "severity", debrief_severity_to_string (self->severity));
  add_string_or_null (b, "title", self->title);
  add_string_or_null (b, "evidence", self->evidence);
  add_string_or_null (b, "cause", self->cause);
  add_string_or_null (b, "fix", self->fix);
  json_builder_set_member_name (b, "step");
  if (self->step >= 0)
    json_builder_add_int_value (b, self->step);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "actions");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->actions->len; i++)
    json_builder_add_value (b, debrief_action_to_json (g_ptr_array_index (self->actions, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
debrief_finding_to_markdown (DebriefFinding *self)
{
  GString *md;

  g_return_val_if_fail (DEBRIEF_IS_FINDING (self), NULL);

  md = g_string_new (NULL);
  g_string_append_printf (md, "### %s (`%s`, %s)\n\n", self->title ? self->title : self->id,
                          self->id, debrief_severity_to_string (self->severity));
  if (self->evidence && *self->evidence)
    g_string_append_printf (md, "- **%s** %s\n", _("Evidence:"), self->evidence);
  if (self->cause && *self->cause)
    g_string_append_printf (md, "- **%s** %s\n", _("Likely cause:"), self->cause);
  if (self->fix && *self->fix)
    g_string_append_printf (md, "- **%s** %s\n", _("Fix:"), self->fix);
  if (self->step >= 0)
    g_string_append_printf (md, "- **%s** %" G_GINT64_FORMAT "\n", _("Step:"), self->step);
  if (self->actions->len > 0)
    {
      g_string_append_printf (md, "- **%s**", _("Actions:"));
      for (guint i = 0; i < self->actions->len; i++)
        {
          const DebriefAction *action = g_ptr_array_index (self->actions, i);
          g_autofree char *text = debrief_action_describe (action);

          g_string_append_printf (md, " %s (`%s`)", text, debrief_action_type_to_string (action->type));
        }
      g_string_append_c (md, '\n');
    }
  return g_string_free (md, FALSE);
}
