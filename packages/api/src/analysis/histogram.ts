import type { ImportancePart } from '@gradiend/core';
import type { Histogram } from '../schemas/analysis.js';
import type { HistogramScale } from '../schemas/vocabulary.js';

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (pos - lo);
}

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1];

/**
 * Histogram of importance values. The range runs from the 0.1 % to the 99.9 % quantile so a few
 * extreme values cannot squash every other bin; values outside are counted as below/above range.
 * With `log` the bins are log10-spaced over the positive values and zeros are only counted.
 */
export function importanceHistogram(
  values: ArrayLike<number>,
  part: ImportancePart,
  bins: number,
  scale: HistogramScale,
): Histogram {
  let zeros = 0;
  let nonFinite = 0;
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v === 0) zeros++;
      finite.push(v);
    }
  }
  const sorted = Float64Array.from(finite).sort();
  const quantiles: Record<string, number> = {};
  if (sorted.length > 0) for (const q of QUANTILES) quantiles[String(q)] = quantile(sorted, q);
  const pool = scale === 'log' ? sorted.filter((v) => v > 0) : sorted;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  let range: [number, number] | null = null;
  let edges: number[] = [];
  if (pool.length > 0) {
    let lo = quantile(pool, 0.001);
    let hi = quantile(pool, 0.999);
    if (scale === 'log') {
      lo = Math.log10(lo);
      hi = Math.log10(hi);
    }
    if (hi <= lo) hi = lo + (Math.abs(lo) || 1) * 1e-6;
    range = scale === 'log' ? [10 ** lo, 10 ** hi] : [lo, hi];
    const width = (hi - lo) / bins;
    edges = Array.from({ length: bins + 1 }, (_, i) =>
      scale === 'log' ? 10 ** (lo + i * width) : lo + i * width,
    );
    for (const raw of pool) {
      const v = scale === 'log' ? Math.log10(raw) : raw;
      if (v < lo) below++;
      else if (v > hi) above++;
      else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
    }
  }
  return {
    part,
    scale,
    bins,
    edges,
    counts,
    total: values.length,
    zeros,
    non_finite: nonFinite,
    below_range: below,
    above_range: above,
    min: sorted.length > 0 ? (sorted[0] ?? null) : null,
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? null) : null,
    range,
    quantiles,
  };
}
