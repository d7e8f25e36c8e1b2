import {
  FINE_BITS,
  finiteCount,
  quantile,
  summaryHistogram,
  type ImportancePart,
  type ImportanceSummary,
} from '@gradiend/core';
import type { Histogram } from '../schemas/analysis.js';
import type { HistogramScale } from '../schemas/vocabulary.js';

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1];

/**
 * The histogram view from a part's summary, in O(buckets): never touches the importance vector.
 * Quantiles are exact to the summary's bucket (`quantile_ranges` gives the bucket's value range;
 * `quantiles` its lower end, the maximum for q = 1).
 */
export function histogramFromSummary(
  summary: ImportanceSummary,
  part: ImportancePart,
  bins: number,
  scale: HistogramScale,
): Histogram {
  const h = summaryHistogram(summary, { bins, scale });
  const quantiles: Record<string, number> = {};
  const ranges: Record<string, [number, number]> = {};
  if (finiteCount(summary) > 0) {
    for (const q of QUANTILES) {
      const v = quantile(summary, q);
      if (!v) continue;
      quantiles[String(q)] = q === 1 ? v.upper : v.lower;
      ranges[String(q)] = [v.lower, v.upper];
    }
  }
  return {
    part,
    scale,
    bins,
    edges: h.edges,
    counts: h.counts,
    total: summary.length,
    zeros: summary.zeros,
    non_finite: summary.length - finiteCount(summary),
    below_range: h.below,
    above_range: h.above,
    min: summary.min,
    max: summary.max,
    range: h.range ? [h.range[0], h.range[1]] : null,
    quantiles,
    quantile_ranges: ranges,
    exact: h.exact,
    bucket_bits: FINE_BITS,
  };
}
