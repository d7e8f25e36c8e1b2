import { describe, expect, it } from 'vitest';
import { histogramCut } from './histogram-cut';

describe('histogramCut', () => {
  const h = { edges: [0, 1, 2, 3, 4], counts: [10, 5, 3, 2], above_range: 1 };

  it('finds the bin where the count from the top reaches k', () => {
    // Independent check: counts at or above each lower edge, from the top.
    const atOrAbove = (i: number) => h.above_range + h.counts.slice(i).reduce((a, b) => a + b, 0);
    for (const k of [2, 3, 6, 11, 21]) {
      const cut = histogramCut(h, k);
      const i = h.edges.indexOf(cut ?? NaN);
      expect(atOrAbove(i)).toBeGreaterThanOrEqual(k);
      if (i < h.counts.length - 1) expect(atOrAbove(i + 1)).toBeLessThan(k);
    }
  });

  it('handles the extremes', () => {
    expect(histogramCut(h, 1)).toBe(4);
    expect(histogramCut(h, 1000)).toBe(0);
    expect(histogramCut(h, 0)).toBeNull();
  });
});
