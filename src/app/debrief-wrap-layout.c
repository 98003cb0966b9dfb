/* debrief-wrap-layout.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plot's toolbar: groups of controls laid out left to right at their
 * natural widths, starting a new line when the next one does not fit, so a
 * narrow pane (a small window, German labels) gets two or three lines instead
 * of a toolbar wider than the pane, which GTK would clip. A child aligned to
 * the end (halign END) goes to the end of its line, with those after it.
 * GtkFlowBox does the wrapping too, but makes each child a focusable,
 * selectable cell: wrong for a toolbar.
 */
#include "config.h"

#include "debrief-wrap-layout.h"

struct _DebriefWrapLayout
{
  GtkLayoutManager parent_instance;

  int column_spacing;
  int row_spacing;
};

enum {
  PROP_0,
  PROP_COLUMN_SPACING,
  PROP_ROW_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefWrapLayout, debrief_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

typedef struct
{
  GtkWidget *child;
  int min, nat;       /* widths */
  int width;          /* given in the layout */
  int x;
  guint line;
} Item;

typedef struct
{
  int height;
  int y;
} Line;

/* A finished line with @room pixels left: the first child aligned to the end,
 * and those after it, move right by that much. */
static void
align_end (GArray *items,
           guint   first,
           guint   end,
           int     room)
{
  gboolean moving = FALSE;

  for (guint j = first; j < end && room > 0; j++)
    {
      Item *item = &g_array_index (items, Item, j);

      moving = moving || gtk_widget_get_halign (item->child) == GTK_ALIGN_END;
      if (moving)
        item->x += room;
    }
}

/* Places the visible children in lines for @width (< 0: one line). */
static void
lay_out (DebriefWrapLayout *self,
         GtkWidget         *widget,
         int                width,
         GArray            *items,
         GArray            *lines)
{
  int x = 0;
  guint first_of_line = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      Item item = { child, 0, 0, 0, 0, 0 };

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &item.min, &item.nat, NULL, NULL);
      g_array_append_val (items, item);
    }

  g_array_set_size (lines, 0);
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      int w = item->nat;

      if (lines->len == 0 || (width >= 0 && x > 0 && x + self->column_spacing + w > width))
        {
          Line line = { 0, 0 };

          if (lines->len > 0)
            align_end (items, first_of_line, i, width - x);
          g_array_append_val (lines, line);
          first_of_line = i;
          x = 0;
        }
      if (width >= 0 && w > width)
        w = MAX (item->min, width);
      item->x = x > 0 ? x + self->column_spacing : 0;
      item->width = w;
      item->line = lines->len - 1;
      x = item->x + w;
    }
  if (items->len > 0 && width >= 0)
    align_end (items, first_of_line, items->len, width - x);

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      Line *line = &g_array_index (lines, Line, item->line);
      int min_h = 0, nat_h = 0;

      gtk_widget_measure (item->child, GTK_ORIENTATION_VERTICAL, item->width, &min_h, &nat_h, NULL, NULL);
      line->height = MAX (line->height, nat_h);
    }
  for (guint i = 1; i < lines->len; i++)
    {
      Line *prev = &g_array_index (lines, Line, i - 1);
      g_array_index (lines, Line, i).y = prev->y + prev->height + self->row_spacing;
    }
}

static GtkSizeRequestMode
debrief_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                      GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
debrief_wrap_layout_measure (GtkLayoutManager *manager,
                             GtkWidget        *widget,
                             GtkOrientation    orientation,
                             int               for_size,
                             int              *minimum,
                             int              *natural,
                             int              *minimum_baseline,
                             int              *natural_baseline)
{
  DebriefWrapLayout *self = DEBRIEF_WRAP_LAYOUT (manager);
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (Line));

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the widest child; naturally, everything on one line. */
      lay_out (self, widget, -1, items, lines);
      for (guint i = 0; i < items->len; i++)
        {
          Item *item = &g_array_index (items, Item, i);
          *minimum = MAX (*minimum, item->min);
          *natural += item->nat + (i > 0 ? self->column_spacing : 0);
        }
      return;
    }
  lay_out (self, widget, for_size, items, lines);
  if (lines->len > 0)
    {
      Line *last = &g_array_index (lines, Line, lines->len - 1);
      *minimum = *natural = last->y + last->height;
    }
}

static void
debrief_wrap_layout_allocate (GtkLayoutManager *manager,
                              GtkWidget        *widget,
                              int               width,
                              int               height,
                              int               baseline)
{
  DebriefWrapLayout *self = DEBRIEF_WRAP_LAYOUT (manager);
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (Line));
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;

  lay_out (self, widget, width, items, lines);
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      Line *line = &g_array_index (lines, Line, item->line);
      int x = rtl ? width - item->x - item->width : item->x;

      gtk_widget_size_allocate (item->child, &(GtkAllocation) { x, line->y, item->width, line->height }, -1);
    }
}

static void
debrief_wrap_layout_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DebriefWrapLayout *self = DEBRIEF_WRAP_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_COLUMN_SPACING:
      g_value_set_int (value, self->column_spacing);
      break;
    case PROP_ROW_SPACING:
      g_value_set_int (value, self->row_spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_wrap_layout_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DebriefWrapLayout *self = DEBRIEF_WRAP_LAYOUT (object);
  int *field;

  switch (prop_id)
    {
    case PROP_COLUMN_SPACING:
      field = &self->column_spacing;
      break;
    case PROP_ROW_SPACING:
      field = &self->row_spacing;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (*field == g_value_get_int (value))
    return;
  *field = g_value_get_int (value);
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
  g_object_notify_by_pspec (object, pspec);
}

static void
debrief_wrap_layout_class_init (DebriefWrapLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->get_property = debrief_wrap_layout_get_property;
  object_class->set_property = debrief_wrap_layout_set_property;
  layout_class->get_request_mode = debrief_wrap_layout_get_request_mode;
  layout_class->measure = debrief_wrap_layout_measure;
  layout_class->allocate = debrief_wrap_layout_allocate;

  properties[PROP_COLUMN_SPACING] =
    g_param_spec_int ("column-spacing", NULL, NULL, 0, G_MAXINT16, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL, 0, G_MAXINT16, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_wrap_layout_init (DebriefWrapLayout *self)
{
}

GtkLayoutManager *
debrief_wrap_layout_new (void)
{
  return g_object_new (DEBRIEF_TYPE_WRAP_LAYOUT, NULL);
}
