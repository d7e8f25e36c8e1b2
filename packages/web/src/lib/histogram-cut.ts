/** Enough of a histogram answer to locate a cut. */
export interface HistogramBins {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly above_range: number;
}

/**
 * The importance at which keeping the `kept` largest values would cut, read off the histogram
 * (lower edge of the bin where the running count from the top reaches `kept`). Approximate by one
 * bin; the server's top-k decides the real selection.
 */
export function histogramCut(h: HistogramBins, kept: number): number | null {
  if (kept <= 0 || h.edges.length < 2) return null;
  let total = h.above_range;
  if (total >= kept) return h.edges[h.edges.length - 1] ?? null;
  for (let i = h.counts.length - 1; i >= 0; i--) {
    total += h.counts[i] ?? 0;
    if (total >= kept) return h.edges[i] ?? null;
  }
  return h.edges[0] ?? null;
}
