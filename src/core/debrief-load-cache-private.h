/* debrief-load-cache-private.h: what one load of a run folder leaves for the next (libdebrief only)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run that is still training is read again and again. Its logs that only
 * grow (JSON lines, CSV, TensorBoard records) are read from the last complete
 * record: each keeps a DebriefTail with the reader's own state and how far it
 * got. A tail is thrown away, and the file read anew, when the file was
 * replaced (another inode), truncated (shorter than what was read) or
 * rewritten in place (the bytes just before the end of what was read, or its
 * first bytes, are not the ones seen): one reload then reads it whole again.
 */
#pragma once

#include "debrief-folder-private.h"
#include "debrief-loader.h"

G_BEGIN_DECLS

/* The bytes just before the end of what was read: the same bytes there tell an
 * appended file from one rewritten in place (sftp has no inodes). */
#define DEBRIEF_TAIL_EDGE_BYTES 64

typedef struct
{
  DebriefEntry stamp;         /* the file when it was last read */
  guint64 consumed;           /* bytes of whole records parsed so far */
  GBytes *edge;               /* the bytes just before @consumed (up to DEBRIEF_TAIL_EDGE_BYTES) */
  gpointer state;             /* the reader's own; NULL: read from the start */
  GDestroyNotify state_free;
  guint64 used_in_load;       /* the load that last asked for it (others are dropped) */

  /* The read in progress (debrief_load_job_read_tail to _tail_consumed). */
  GBytes *buffer;             /* as read: the edge, then the bytes given to the reader */
  guint64 buffer_offset;      /* of buffer in the file */
  gsize buffer_skip;          /* bytes of edge at its start */
  gsize chunk;                /* how much to read at a time (grows for a record longer than that) */
  gboolean checked;           /* the edge was compared in this load */
  gboolean more;              /* the file goes on after the bytes given */
} DebriefTail;

/* The tail of @rel (created empty); NULL without a cache. */
DebriefTail *debrief_load_cache_tail          (DebriefLoadCache *cache,
                                               const char       *key);
void         debrief_tail_free                (DebriefTail      *tail);
/* Forgets what the tail knew: the file is read from the start. */
void         debrief_tail_reset               (DebriefTail      *tail);
/* The reader's state, freed with the tail. */
void         debrief_tail_set_state           (DebriefTail      *tail,
                                               gpointer          state,
                                               GDestroyNotify    state_free);

/* Called by a load at its start and its end: a load at a time, and the tails no
 * load asked for (a log deleted, a candidate gone) dropped. */
guint64      debrief_load_cache_begin         (DebriefLoadCache *cache);
void         debrief_load_cache_end           (DebriefLoadCache *cache,
                                               guint64           load);

void         debrief_load_cache_add_bytes_read (DebriefLoadCache *cache,
                                                guint64           bytes);

G_END_DECLS
