/* debrief-types.h: every type of libdebrief, declared once
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A header that only passes a type around by pointer includes this file rather
 * than the header that defines it, so the public headers never need each other
 * in a loop and fields stay typed (a DebriefRun holds a DebriefAnalysis *, not a
 * GObject *). Enums cannot be declared ahead in C: they stay with their type.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* GObjects (G_DECLARE_FINAL_TYPE repeats these typedefs; C11 allows it). */
typedef struct _DebriefAnalysis         DebriefAnalysis;
typedef struct _DebriefClient           DebriefClient;
typedef struct _DebriefDocument         DebriefDocument;
typedef struct _DebriefFinding          DebriefFinding;
typedef struct _DebriefJudge            DebriefJudge;
typedef struct _DebriefLlamaServer      DebriefLlamaServer;
typedef struct _DebriefJsonlWriter      DebriefJsonlWriter;
typedef struct _DebriefLoadBatch        DebriefLoadBatch;
typedef struct _DebriefPlotRenderer     DebriefPlotRenderer;
typedef struct _DebriefRun              DebriefRun;
typedef struct _DebriefRunFollower      DebriefRunFollower;
typedef struct _DebriefSampler          DebriefSampler;
typedef struct _DebriefSeries           DebriefSeries;
typedef struct _DebriefSweep            DebriefSweep;
typedef struct _DebriefSweepModel       DebriefSweepModel;
typedef struct _DebriefSweepRun         DebriefSweepRun;
typedef struct _DebriefWorkspace        DebriefWorkspace;

/* Plain structs and reference-counted boxes. */
typedef struct _DebriefAction           DebriefAction;
typedef struct _DebriefCapacityInput    DebriefCapacityInput;
typedef struct _DebriefCapacityResult   DebriefCapacityResult;
typedef struct _DebriefCheckpoint       DebriefCheckpoint;
typedef struct _DebriefCompletion       DebriefCompletion;
typedef struct _DebriefCompletionRequest DebriefCompletionRequest;
typedef struct _DebriefJudgement        DebriefJudgement;
typedef struct _DebriefJudgeSummary     DebriefJudgeSummary;
typedef struct _DebriefLoadCache        DebriefLoadCache;
typedef struct _DebriefLoadOptions      DebriefLoadOptions;
typedef struct _DebriefModelDims        DebriefModelDims;
typedef struct _DebriefPlotAnnotation   DebriefPlotAnnotation;
typedef struct _DebriefPlotBucket       DebriefPlotBucket;
typedef struct _DebriefPlotColorScale   DebriefPlotColorScale;
typedef struct _DebriefPlotData         DebriefPlotData;
typedef struct _DebriefPlotGroup        DebriefPlotGroup;
typedef struct _DebriefPlotImageOptions DebriefPlotImageOptions;
typedef struct _DebriefPlotPalette      DebriefPlotPalette;
typedef struct _DebriefPlotPyramid      DebriefPlotPyramid;
typedef struct _DebriefPlotRect         DebriefPlotRect;
typedef struct _DebriefPlotRGBA         DebriefPlotRGBA;
typedef struct _DebriefReportExtras     DebriefReportExtras;
typedef struct _DebriefRunConfig        DebriefRunConfig;
typedef struct _DebriefRunOverrides     DebriefRunOverrides;
typedef struct _DebriefRunParam         DebriefRunParam;
typedef struct _DebriefRunProgress      DebriefRunProgress;
typedef struct _DebriefSample           DebriefSample;
typedef struct _DebriefSampleColumn     DebriefSampleColumn;
typedef struct _DebriefServeFile        DebriefServeFile;
typedef struct _DebriefServeModel       DebriefServeModel;
typedef struct _DebriefServeOptions     DebriefServeOptions;
typedef struct _DebriefServePlan        DebriefServePlan;
typedef struct _DebriefServeSet         DebriefServeSet;
typedef struct _DebriefServeStep        DebriefServeStep;
typedef struct _DebriefSweepColumn      DebriefSweepColumn;
typedef struct _DebriefSweepGroup       DebriefSweepGroup;
typedef struct _DebriefSweepParam       DebriefSweepParam;
typedef struct _DebriefSweepResults     DebriefSweepResults;

G_END_DECLS
