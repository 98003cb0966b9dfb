/* debrief-report.h: analysis.md — generate, merge with the user's notes, save
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The report is plain CommonMark (FORMATS.md section 7). It has two parts:
 *  - the generated part (title, verdict, key numbers, findings, capacity,
 *    recommendations, samples, judge), ending with a marker line
 *    `<!-- debrief:generated sha256=… -->` that carries a checksum of the part
 *    above it, so Debrief can tell whether the user edited it;
 *  - `## Notes` to the end of the file, which belongs to the user and is kept
 *    verbatim whenever the report is regenerated.
 *
 * Typical use (the report editor):
 *   text = debrief_report_generate (run, analysis, &extras);
 *   merged = debrief_report_merge (text, current_file_text, &edited);
 *   if (edited) … tell the user, debrief_report_write() keeps a copy …
 *   debrief_report_save (file, merged, …);      // atomic, keeps analysis.md~
 * or all of it at once with debrief_report_write().
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-analysis.h"
#include "debrief-run.h"

G_BEGIN_DECLS

#define DEBRIEF_REPORT_FILENAME "analysis.md"
#define DEBRIEF_REPORT_NOTES_HEADING "## Notes"

/* Optional inputs from other features; every member may be NULL. */
struct _DebriefReportExtras
{
  const char *samples_markdown;   /* body of "## Samples" (e.g. prompt / fine-tuned / baseline blocks) */
  const char *judge_markdown;     /* body of "## Judge and next steps" (win rate, interval, verdict) */
  const char *plot_image;         /* a PNG beside analysis.md, relative path, linked under the title */
  GDateTime  *date;               /* the report's date; now when NULL */
};

/* The whole report for a fresh file: the generated part, the marker, and an
 * empty Notes section. @extras may be NULL. */
char     *debrief_report_generate        (DebriefRun                *run,
                                          DebriefAnalysis           *analysis,
                                          const DebriefReportExtras *extras);

/* @generated (from debrief_report_generate()) with the Notes section of
 * @existing (the file's current text, may be NULL) put in place of its empty one,
 * byte for byte. Sets @out_user_edited when @existing's generated part was changed
 * by hand (or has no marker at all): the caller must keep a copy of @existing. */
char     *debrief_report_merge           (const char                *generated,
                                          const char                *existing,
                                          gboolean                  *out_user_edited);

/* The Notes section of @text ("## Notes" line to the end), or NULL. */
char     *debrief_report_extract_notes   (const char                *text);

/* Whether @text's generated part differs from what its marker says Debrief wrote. */
gboolean  debrief_report_is_user_edited  (const char                *text);

/* Writes @text to @file atomically (temporary file + rename) keeping the previous
 * version as "@file~". */
gboolean  debrief_report_save            (GFile                     *file,
                                          const char                *text,
                                          GCancellable              *cancellable,
                                          GError                   **error);

/* Appends @text (may be NULL) as one cell of a markdown table: "|" escaped,
 * line breaks as spaces. */
void      debrief_report_append_cell     (GString                   *s,
                                          const char                *text);

/* The end of every generated document (analysis.md, sweep.md): the marker line
 * with the checksum of @s so far, then an empty Notes section. */
void      debrief_report_finish          (GString                   *s);

/* Writes @generated (a document ended by debrief_report_finish()) into @file:
 * the user's Notes of the existing file kept verbatim, atomic with a "~"
 * backup; an existing file whose generated part was edited by hand is first
 * copied to "NAME-edited-YYYYMMDD-HHMMSS.md" beside it (@out_edited_copy,
 * may be NULL, receives it). */
gboolean  debrief_report_write_file      (GFile                     *file,
                                          const char                *generated,
                                          GFile                    **out_edited_copy,
                                          GCancellable              *cancellable,
                                          GError                   **error);

/* Generates the report for @run and writes DIR/analysis.md, keeping the user's
 * Notes. When the generated part of the existing file was edited by hand, that
 * file is first copied to "analysis-edited-YYYYMMDD-HHMMSS.md" beside it and
 * @out_edited_copy (may be NULL) receives it. */
gboolean  debrief_report_write           (DebriefRun                *run,
                                          DebriefAnalysis           *analysis,
                                          const DebriefReportExtras *extras,
                                          GFile                    **out_edited_copy,
                                          GCancellable              *cancellable,
                                          GError                   **error);

G_END_DECLS
