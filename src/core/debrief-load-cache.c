/* debrief-load-cache.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "debrief-load-cache-private.h"

struct _DebriefLoadCache
{
  gatomicrefcount ref_count;
  /* Held by one load from begin to end: two loads of a folder never share tails. */
  GMutex lock;
  GHashTable *tails;          /* key -> DebriefTail */
  guint64 loads;
  guint64 bytes_read;
};

G_DEFINE_BOXED_TYPE (DebriefLoadCache, debrief_load_cache, debrief_load_cache_ref, debrief_load_cache_unref)

void
debrief_tail_free (DebriefTail *tail)
{
  debrief_tail_reset (tail);
  g_free (tail);
}

DebriefLoadCache *
debrief_load_cache_new (void)
{
  DebriefLoadCache *self = g_new0 (DebriefLoadCache, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->tails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) debrief_tail_free);
  return self;
}

DebriefLoadCache *
debrief_load_cache_ref (DebriefLoadCache *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
debrief_load_cache_unref (DebriefLoadCache *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->tails);
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
debrief_load_cache_clear (DebriefLoadCache *self)
{
  g_return_if_fail (self != NULL);
  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->tails);
  g_mutex_unlock (&self->lock);
}

guint64
debrief_load_cache_begin (DebriefLoadCache *self)
{
  g_mutex_lock (&self->lock);
  return ++self->loads;
}

static gboolean
unused_in (gpointer key,
           gpointer value,
           gpointer user_data)
{
  DebriefTail *tail = value;

  return tail->used_in_load != *(guint64 *) user_data;
}

void
debrief_load_cache_end (DebriefLoadCache *self,
                        guint64           load)
{
  g_hash_table_foreach_remove (self->tails, unused_in, &load);
  g_mutex_unlock (&self->lock);
}

DebriefTail *
debrief_load_cache_tail (DebriefLoadCache *self,
                         const char       *key)
{
  DebriefTail *tail;

  if (self == NULL)
    return NULL;
  tail = g_hash_table_lookup (self->tails, key);
  if (tail == NULL)
    {
      tail = g_new0 (DebriefTail, 1);
      g_hash_table_insert (self->tails, g_strdup (key), tail);
    }
  if (tail->used_in_load != self->loads)
    tail->checked = FALSE;
  tail->used_in_load = self->loads;
  return tail;
}

void
debrief_tail_reset (DebriefTail *tail)
{
  if (tail->state != NULL && tail->state_free != NULL)
    tail->state_free (tail->state);
  tail->state = NULL;
  tail->state_free = NULL;
  tail->consumed = 0;
  memset (&tail->stamp, 0, sizeof tail->stamp);
  g_clear_pointer (&tail->edge, g_bytes_unref);
  g_clear_pointer (&tail->buffer, g_bytes_unref);
  tail->buffer_offset = 0;
  tail->buffer_skip = 0;
  tail->more = FALSE;
}

void
debrief_tail_set_state (DebriefTail    *tail,
                        gpointer        state,
                        GDestroyNotify  state_free)
{
  if (tail->state != NULL && tail->state_free != NULL)
    tail->state_free (tail->state);
  tail->state = state;
  tail->state_free = state_free;
}

guint64
debrief_load_cache_get_bytes_read (DebriefLoadCache *self)
{
  guint64 bytes;

  g_mutex_lock (&self->lock);
  bytes = self->bytes_read;
  g_mutex_unlock (&self->lock);
  return bytes;
}

void
debrief_load_cache_add_bytes_read (DebriefLoadCache *self,
                                   guint64           bytes)
{
  /* Called by the load that holds the lock. */
  self->bytes_read += bytes;
}
