import { describe, expect, it } from 'vitest';
import { readExpected } from '../../test-support/expected.js';
import { radixTopK, sortIndicesDescending } from './radix-select.js';
import { selectTopK } from './select-top-k.js';
import { torchTopkEmulation } from './torch-topk-emulation.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Brute force: the k largest by (value desc, index asc). */
function bruteTopK(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}

describe('torchTopkEmulation', () => {
  it("reproduces the reference's choice among 50 tied zeros (layernorm-nobias, decoder-bias, topk 10)", () => {
    const expected = readExpected('layernorm-nobias').prunes.find((p) => p.args.part === 'decoder-bias');
    const selected = expected?.param_map?.[0]?.selected;
    expect(selected).toHaveLength(10);
    const got = Array.from(torchTopkEmulation(new Float64Array(50), 10, false)).sort((a, b) => a - b);
    expect(got).toEqual(selected);
  });

  it('selects the k largest distinct values on both of its code paths', () => {
    const rand = seeded(7);
    for (const [n, k] of [
      [1000, 5], // partial_sort path: k·64 ≤ n
      [1000, 300], // nth_element path
      [3, 2],
      [1, 1],
    ] as const) {
      const v = Float64Array.from({ length: n }, () => rand());
      expect(Array.from(torchTopkEmulation(v, k, false)).sort((a, b) => a - b)).toEqual(bruteTopK(v, k));
    }
  });

  it('ranks NaN above everything, as torch does', () => {
    expect(Array.from(torchTopkEmulation([1, NaN, 3, 2], 2, true))).toEqual([1, 2]);
  });
});

describe('radixTopK', () => {
  it('matches brute force on float32 data with negatives, zeros and ties', () => {
    const rand = seeded(11);
    const v = Float32Array.from({ length: 20000 }, () => Math.round((rand() - 0.5) * 200) / 10);
    for (const k of [1, 17, 999, 10000, 19999]) expect(Array.from(radixTopK(v, k))).toEqual(bruteTopK(v, k));
  });

  it('treats -0 like +0 and NaN as largest', () => {
    const v = Float32Array.of(-0, 0, -1, NaN, 5);
    expect(Array.from(radixTopK(v, 2))).toEqual([3, 4]);
    expect(Array.from(radixTopK(v, 3))).toEqual([0, 3, 4]);
  });

  it('ranks float64 values exactly even when they share a float32 rounding', () => {
    const v = Float64Array.of(1 + 1e-12, 1, 1 + 2e-12, 0.5);
    expect(Array.from(radixTopK(v, 2))).toEqual([0, 2]);
  });
});

describe('sortIndicesDescending', () => {
  it('orders by value, ties by index', () => {
    const v = Float32Array.of(3, 1, 3, 2, NaN);
    const idx = Int32Array.of(0, 1, 2, 3, 4);
    sortIndicesDescending(idx, v);
    expect(Array.from(idx)).toEqual([4, 0, 2, 3, 1]);
  });
});

describe('selectTopK', () => {
  it('returns ascending indices unsorted-mode and most-important-first in sorted mode', () => {
    const v = Float32Array.of(0.1, 0.9, 0.5, 0.7);
    expect(Array.from(selectTopK(v, 2, { sorted: false }))).toEqual([1, 3]);
    expect(Array.from(selectTopK(v, 3, { sorted: true }))).toEqual([1, 3, 2]);
    expect(Array.from(selectTopK(v, 9, { sorted: true }))).toEqual([1, 3, 2, 0]);
    expect(selectTopK(v, 0, { sorted: true })).toHaveLength(0);
  });
});
