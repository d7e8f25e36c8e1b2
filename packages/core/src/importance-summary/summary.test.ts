import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../random/xorshift32.js';
import { halfToFloat, floatToHalf } from '../tensor/half.js';
import { decodeSummary, encodeSummary } from './summary-codec.js';
import { summarizeImportance } from './summary-kernels.js';
import {
  countAtLeast,
  keptPerSegmentByThreshold,
  keptPerSegmentByTopK,
  quantile,
  summaryHistogram,
  topKBoundary,
} from './summary-queries.js';
import { FINE_SHIFT, type ImportanceSummary } from './summary-types.js';
import { orderKey } from './order-keys.js';

// ---- independent brute force: plain JS numbers, sorting, no bit tricks ----

function bruteAtLeast(values: Float32Array, t: number, from = 0, to = values.length): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((values[i] as number) >= t) n++;
  return n;
}

/** Descending in torch's order: NaN first. */
function bruteDescending(values: Float32Array): number[] {
  return Array.from(values).sort((a, b) => {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return b - a;
  });
}

function bruteSegmentStats(values: Float32Array, from: number, to: number) {
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let zeros = 0;
  let nan = 0;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) nan++;
    if (v === 0) zeros++;
    if (!Number.isFinite(v)) continue;
    sum += v;
    // ±0 are one value; the summary reports +0.
    min = min === null ? v + 0 : Math.min(min, v) + 0;
    max = max === null ? v + 0 : Math.max(max, v) + 0;
  }
  return { sum, min, max, zeros, nan };
}

// ---- vectors ----

function randomVector(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Xorshift32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.abs(rng.nextFloat() - 0.5) * scale * Math.exp(4 * rng.nextFloat());
  return out;
}

function adversarial(): Float32Array {
  const values = [
    0,
    -0,
    0,
    1e-45,
    1e-42,
    1.1754942e-38,
    1.17549435e-38,
    NaN,
    NaN,
    Infinity,
    -Infinity,
    -1,
    -3.5,
    -1e-40,
    ...new Array<number>(50).fill(0.25),
    ...new Array<number>(20).fill(0.5),
    3.4028234e38,
    1,
    1,
    1,
    2,
  ];
  return Float32Array.from(values);
}

/** Importance of a float16 model: every value a float16 number (many exact ties). */
function float16Vector(n: number, seed: number): Float32Array {
  const v = randomVector(n, seed, 0.01);
  for (let i = 0; i < n; i++) v[i] = halfToFloat(floatToHalf(v[i] as number));
  return v;
}

const cases: Array<[string, Float32Array, number[]]> = [
  ['random', randomVector(20_000, 7), [5000, 0, 12_000, 3000]],
  ['adversarial', adversarial(), [10, 40, 0, 39]],
  ['float16', float16Vector(8192, 3), [4096, 4096]],
  ['all equal', new Float32Array(1000).fill(0.125), [500, 500]],
];

function thresholdsFor(values: Float32Array): number[] {
  const picks = [0, -0, 1e-45, 0.25, 0.5, 1, Infinity, -Infinity, 0.1, 1e-3, 3.4028234e38, -1];
  for (let i = 0; i < values.length; i += Math.max(1, Math.floor(values.length / 25))) {
    const v = values[i] as number;
    picks.push(v, Math.fround(v * 1.0001), v * 0.999999, v + 1e-12);
  }
  return picks;
}

describe.each(cases)('importance summary of %s values', (_name, values, segments) => {
  const summary = summarizeImportance(values, segments);

  it('counts every value once and gets zeros / non-finite / segment statistics right', () => {
    expect(summary.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    const all = bruteSegmentStats(values, 0, values.length);
    expect({ zeros: summary.zeros, nan: summary.nan }).toEqual({ zeros: all.zeros, nan: all.nan });
    expect(summary.posInf).toBe(Array.from(values).filter((v) => v === Infinity).length);
    expect(summary.negInf).toBe(Array.from(values).filter((v) => v === -Infinity).length);
    expect(summary.min).toBe(all.min);
    expect(summary.max).toBe(all.max);
    expect(summary.sum).toBeCloseTo(all.sum, 6);
    let offset = 0;
    for (const [i, length] of segments.entries()) {
      const s = summary.segments[i]!;
      const b = bruteSegmentStats(values, offset, offset + length);
      expect({ ...s, sum: 0, counts: undefined }).toMatchObject({
        offset,
        length,
        min: b.min,
        max: b.max,
        zeros: b.zeros,
        nan: b.nan,
      });
      expect(s.sum).toBeCloseTo(b.sum, 6);
      expect(s.counts.reduce((a, c) => a + c, 0)).toBe(length);
      const seg = Array.from(values.subarray(offset, offset + length));
      expect([s.posInf, s.negInf]).toEqual([
        seg.filter((v) => v === Infinity).length,
        seg.filter((v) => v === -Infinity).length,
      ]);
      offset += length;
    }
  });

  it('counts v ≥ t exactly when it says so, and bounds it otherwise', () => {
    for (const t of thresholdsFor(values)) {
      const a = countAtLeast(summary, t);
      const truth = bruteAtLeast(values, t);
      expect(truth).toBeGreaterThanOrEqual(a.lower);
      expect(truth).toBeLessThanOrEqual(a.upper);
      if (a.exact) expect(a.count).toBe(truth);
      const per = keptPerSegmentByThreshold(summary, t);
      let offset = 0;
      per.counts.forEach((c, i) => {
        const length = segments[i]!;
        if (c !== null) expect(c).toBe(bruteAtLeast(values, t, offset, offset + length));
        offset += length;
      });
      if (per.exact) expect(per.counts.reduce((x, y) => x! + y!, 0)).toBe(truth);
    }
  });

  it('finds the top-k boundary bucket of the brute-force k-th largest value', () => {
    const desc = bruteDescending(values);
    for (const k of [1, 2, Math.ceil(values.length / 100), Math.floor(values.length / 2), values.length]) {
      const b = topKBoundary(summary, k);
      const kth = desc[k - 1]!;
      expect(orderKey(kth) >>> FINE_SHIFT).toBe(b.key >>> FINE_SHIFT);
      expect(b.above).toBe(desc.filter((v) => orderKey(v) >>> FINE_SHIFT > b.key >>> FINE_SHIFT).length);
      const per = keptPerSegmentByTopK(summary, k);
      if (per.exact) {
        // The k largest are then exactly the values with a key ≥ the boundary, in every segment.
        let offset = 0;
        per.counts.forEach((c, i) => {
          const seg = Array.from(values.subarray(offset, offset + segments[i]!));
          expect(c).toBe(seg.filter((v) => orderKey(v) >= b.key).length);
          offset += segments[i]!;
        });
      }
    }
  });

  it('gives quantiles whose bucket holds the brute-force quantile', () => {
    const finite = Array.from(values)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    for (const q of [0, 0.001, 0.25, 0.5, 0.99, 1]) {
      const got = quantile(summary, q);
      if (finite.length === 0) {
        expect(got).toBeNull();
        continue;
      }
      const truth = finite[Math.floor(q * (finite.length - 1))]!;
      expect(got!.lower).toBeLessThanOrEqual(truth);
      expect(got!.upper).toBeGreaterThanOrEqual(truth);
      if (got!.exact) expect(got!.lower).toBe(truth);
    }
  });

  it.each(['linear', 'log'] as const)(
    'builds a %s histogram whose counts add up and match brute force when exact',
    (scale) => {
      for (const bins of [1, 7, 64, 4096]) {
        const h = summaryHistogram(summary, { bins, scale });
        const pool = Array.from(values).filter((v) => Number.isFinite(v) && (scale === 'linear' || v > 0));
        expect(h.counts.reduce((a, b) => a + b, 0) + h.below + h.above).toBe(pool.length);
        if (!h.range) continue;
        const [lo, hi] = h.range;
        expect(h.below).toBe(pool.filter((v) => v < lo).length);
        expect(h.above).toBe(pool.filter((v) => v > hi).length);
        if (h.exact) {
          const brute = new Array<number>(bins).fill(0);
          const tl = scale === 'log' ? Math.log10 : (v: number) => v;
          const width = (tl(hi) - tl(lo)) / bins;
          for (const v of pool) {
            if (v < lo || v > hi) continue;
            brute[Math.min(bins - 1, Math.floor((tl(v) - tl(lo)) / width))]! += 1;
          }
          expect(h.counts).toEqual(brute);
        }
      }
    },
  );

  it('survives its encoding', () => {
    const back: ImportanceSummary = decodeSummary(encodeSummary(summary));
    expect(back).toEqual(summary);
  });
});

describe('importance summary arguments', () => {
  it('rejects segments that do not cover the vector', () => {
    expect(() => summarizeImportance(new Float32Array(4), [1, 2])).toThrow(RangeError);
    expect(() => summarizeImportance(new Float32Array(4), [3, 2])).toThrow(RangeError);
  });
  it('rejects k outside [1, length]', () => {
    const s = summarizeImportance(new Float32Array(4));
    expect(() => topKBoundary(s, 0)).toThrow(RangeError);
    expect(() => topKBoundary(s, 5)).toThrow(RangeError);
  });
  it('a stale encoding is refused', () => {
    expect(() => decodeSummary('{"format":"other"}')).toThrow(TypeError);
  });
});
