import { describe, expect, it } from 'vitest';
import { EXACT_TIE_EMULATION_LIMIT, selectTopK } from '../model/topk/select-top-k.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { summarizeImportance } from './summary-kernels.js';
import { topKFromSummary } from './topk-from-summary.js';

/**
 * Independent ranking for vectors of few distinct values: the values in torch's order (NaN first,
 * then descending), each one's indices ascending — prune's rule, ties kept by lowest index.
 */
function bruteRanking(values: Float32Array): Int32Array {
  const distinct = [...new Set(Array.from(values, (v) => (Number.isNaN(v) ? NaN : v + 0)))].sort((a, b) =>
    Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : b - a,
  );
  const out = new Int32Array(values.length);
  let w = 0;
  for (const d of distinct) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isNaN(d) ? Number.isNaN(v) : v === d) out[w++] = i;
    }
  }
  return out;
}

/** -1 when both lists are equal, else the first position where they differ (typed-array toEqual is slow at 10^6). */
function firstDifference(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const N = EXACT_TIE_EMULATION_LIMIT + 12_345;

/** Few distinct importances (heavy ties at any boundary), a few NaNs, zeros and one +inf. */
function tiedVector(n: number, seed: number): Float32Array {
  const rng = new Xorshift32(seed);
  const levels = [0, 1e-3, 2e-3, 2.0001e-3, 0.5, 0.75, 1, 3];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = levels[Math.floor(rng.nextFloat() * levels.length)] as number;
  for (let j = 0; j < 7; j++) out[Math.floor(rng.nextFloat() * n)] = NaN;
  out[Math.floor(rng.nextFloat() * n)] = Infinity;
  return out;
}

describe('topKFromSummary', () => {
  const values = tiedVector(N, 7);
  const summary = summarizeImportance(values, [1000, N - 1000]);
  const ranking = bruteRanking(values);

  it.each([1, 9, 1000, Math.ceil(N / 3), N - 2])(
    'ranks the k = %i largest like a brute-force sort, ties by lowest index',
    (k) => {
      expect(firstDifference(topKFromSummary(values, summary, k), ranking.subarray(0, k))).toBe(-1);
    },
  );

  it('returns what selectTopK returns on continuous values', () => {
    const rng = new Xorshift32(3);
    const continuous = new Float32Array(N);
    for (let i = 0; i < N; i++) continuous[i] = Math.abs(rng.nextFloat() - 0.5) * 1e-2;
    const s = summarizeImportance(continuous, [N]);
    for (const k of [1000, Math.ceil(N / 100)]) {
      const want = selectTopK(continuous, k, { sorted: true });
      expect(firstDifference(topKFromSummary(continuous, s, k), want)).toBe(-1);
    }
  });

  it('runs selectTopK itself on small inputs and clamps k', () => {
    const small = tiedVector(5000, 11);
    const s = summarizeImportance(small, [5000]);
    expect(topKFromSummary(small, s, 100)).toEqual(selectTopK(small, 100, { sorted: true }));
    expect(topKFromSummary(small, s, 10_000)).toHaveLength(5000);
    expect(topKFromSummary(small, s, 0)).toHaveLength(0);
  });

  it('refuses a summary of other values', () => {
    const other = summarizeImportance(tiedVector(N, 8), [N]);
    expect(() => topKFromSummary(values, other, 1000)).toThrow(RangeError);
  });
});
