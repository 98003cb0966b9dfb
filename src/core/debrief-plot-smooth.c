/* debrief-plot-smooth.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-plot-smooth.h"

void
debrief_plot_smooth_ema (const double *values,
                         gsize         n,
                         double        weight,
                         double       *out)
{
  double last = 0.0;
  double decay = 1.0;   /* weight^k, k = finite points so far */

  weight = CLAMP (weight, 0.0, DEBRIEF_PLOT_SMOOTH_MAX);
  for (gsize i = 0; i < n; i++)
    {
      double v = values[i];

      if (!isfinite (v))
        {
          out[i] = v;
          continue;
        }
      last = last * weight + (1.0 - weight) * v;
      decay *= weight;
      /* TensorBoard's debiasing: the average started at 0, divide by the weight it has gathered. */
      out[i] = last / (1.0 - decay);
    }
}

gsize
debrief_plot_smooth_median_half (double weight)
{
  weight = CLAMP (weight, 0.0, DEBRIEF_PLOT_SMOOTH_MAX);
  return (gsize) lround (weight / (1.0 - weight));
}

static int
compare_by_value (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const double *values = user_data;
  double va = values[*(const guint32 *) a];
  double vb = values[*(const guint32 *) b];
  return (va > vb) - (va < vb);
}

/* Fenwick tree over value ranks: counts of the points in the window. */
static inline void
fenwick_add (gint32 *tree,
             gsize   size,
             gsize   rank,
             gint32  delta)
{
  for (gsize i = rank; i <= size; i += i & (~i + 1))
    tree[i] += delta;
}

/* Rank (1-based) of the k-th smallest point in the window. */
static inline gsize
fenwick_kth (const gint32 *tree,
             gsize         size,
             gsize         top_bit,
             gsize         k)
{
  gsize pos = 0;

  for (gsize bit = top_bit; bit > 0; bit >>= 1)
    if (pos + bit <= size && (gsize) tree[pos + bit] < k)
      {
        pos += bit;
        k -= tree[pos];
      }
  return pos + 1;
}

void
debrief_plot_smooth_median (const double *values,
                            gsize         n,
                            gsize         half,
                            double       *out)
{
  g_autofree guint32 *order = NULL;    /* finite indices, by value */
  g_autofree guint32 *rank = NULL;     /* index -> rank (1-based), 0 for non-finite */
  g_autofree gint32 *tree = NULL;
  gsize m = 0, top_bit = 1, count = 0;
  gsize added = 0, removed = 0;        /* window is [removed, added) */

  g_return_if_fail (n <= G_MAXUINT32);

  if (half == 0)
    {
      memcpy (out, values, n * sizeof (double));
      return;
    }

  order = g_new (guint32, n);
  rank = g_new0 (guint32, n);
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      order[m++] = (guint32) i;
  g_qsort_with_data (order, m, sizeof (guint32), compare_by_value, (gpointer) values);
  for (gsize r = 0; r < m; r++)
    rank[order[r]] = (guint32) (r + 1);
  tree = g_new0 (gint32, m + 1);
  while (top_bit * 2 <= m)
    top_bit *= 2;

  for (gsize i = 0; i < n; i++)
    {
      gsize want_end = MIN (n, i + half + 1);
      gsize want_begin = i >= half ? i - half : 0;

      for (; added < want_end; added++)
        if (rank[added] != 0)
          {
            fenwick_add (tree, m, rank[added], 1);
            count++;
          }
      for (; removed < want_begin; removed++)
        if (rank[removed] != 0)
          {
            fenwick_add (tree, m, rank[removed], -1);
            count--;
          }

      if (!isfinite (values[i]))
        out[i] = values[i];
      else
        {
          /* count >= 1: the point itself is in the window. */
          double lo = values[order[fenwick_kth (tree, m, top_bit, (count + 1) / 2) - 1]];
          double hi = values[order[fenwick_kth (tree, m, top_bit, count / 2 + 1) - 1]];
          out[i] = (lo + hi) / 2.0;
        }
    }
}

double *
debrief_plot_smooth (const double           *values,
                     gsize                   n,
                     DebriefPlotSmoothMethod method,
                     double                  weight)
{
  double *out = g_new (double, MAX (n, 1));

  if (method == DEBRIEF_PLOT_SMOOTH_MEDIAN)
    debrief_plot_smooth_median (values, n, debrief_plot_smooth_median_half (weight), out);
  else
    debrief_plot_smooth_ema (values, n, weight, out);
  return out;
}
