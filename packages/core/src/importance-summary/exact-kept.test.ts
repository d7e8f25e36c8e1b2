import { describe, expect, it } from 'vitest';
import { EXACT_TIE_EMULATION_LIMIT, selectTopK } from '../model/topk/select-top-k.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { keptPerSegmentByThresholdExact, keptPerSegmentByTopKExact } from './exact-kept-kernels.js';
import { summarizeImportance } from './summary-kernels.js';
import { keptPerSegmentByThreshold, keptPerSegmentByTopK } from './summary-queries.js';

/** Independent per-segment counts of an index list. */
function countByIndex(indices: Int32Array, segments: readonly number[]): number[] {
  const ends: number[] = [];
  segments.reduce((a, b) => (ends.push(a + b), a + b), 0);
  const out = segments.map(() => 0);
  for (const i of indices) out[ends.findIndex((e) => i < e)]! += 1;
  return out;
}

/** Values drawn from a few levels, so the top-k boundary almost always splits a run of ties. */
function tiedVector(n: number, seed: number): Float32Array {
  const rng = new Xorshift32(seed);
  const levels = [0, 1e-40, 0.001, 0.002, 0.0025, 0.5, 0.75, 1];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = levels[rng.nextInt(levels.length)] as number;
  out[7] = NaN;
  out[n - 3] = Infinity;
  return out;
}

describe('exact kept-per-parameter counts (the fallback when the summary cannot decide)', () => {
  const small = tiedVector(10_000, 5);
  const smallSegments = [1000, 0, 4000, 5000];
  // Above the emulation limit selectTopK switches to its radix select (ties by lowest index).
  const large = tiedVector(EXACT_TIE_EMULATION_LIMIT + 4321, 9);
  const largeSegments = [1_000_000, EXACT_TIE_EMULATION_LIMIT + 4321 - 3_000_000, 2_000_000];

  it.each([
    ['small', small, smallSegments],
    ['large', large, largeSegments],
  ] as const)('top-k on %s vectors agrees with selectTopK, ties included', (_n, values, segments) => {
    const summary = summarizeImportance(values, segments);
    for (const k of [
      1,
      2,
      17,
      Math.ceil(values.length / 100),
      Math.floor(values.length / 2),
      values.length,
    ]) {
      const truth = countByIndex(selectTopK(values, k, { sorted: false }), segments);
      expect(keptPerSegmentByTopKExact(values, summary, segments, k)).toEqual(truth);
      const fromSummary = keptPerSegmentByTopK(summary, k);
      if (fromSummary.exact) expect(fromSummary.counts).toEqual(truth);
    }
  });

  it('threshold counts agree with a plain comparison, and with the summary when it is exact', () => {
    const summary = summarizeImportance(small, smallSegments);
    for (const t of [0, 1e-45, 1e-40, 0.001, 0.0015, 0.0025, 0.6, 1, Infinity]) {
      let offset = 0;
      const truth = smallSegments.map((length) => {
        let c = 0;
        for (let i = offset; i < offset + length; i++) if ((small[i] as number) >= t) c++;
        offset += length;
        return c;
      });
      expect(keptPerSegmentByThresholdExact(small, smallSegments, t)).toEqual(truth);
      const fromSummary = keptPerSegmentByThreshold(summary, t);
      if (fromSummary.exact) expect(fromSummary.counts).toEqual(truth);
    }
  });

  it('stops when its signal aborts', () => {
    const controller = new AbortController();
    controller.abort(new Error('superseded'));
    expect(() =>
      keptPerSegmentByThresholdExact(small, smallSegments, 0.5, { signal: controller.signal }),
    ).toThrow('superseded');
  });
});
