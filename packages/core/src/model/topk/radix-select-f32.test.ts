import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../random/xorshift32.js';
import { radixTopKFloat32, radixTopKFloat32Sorted, serialBandScan } from './radix-select-f32.js';
import type { BandScan } from './radix-select-f32.js';

// Above the sampled band scan's minimum length (2^20), with a tail that is not a multiple of 8.
const N = (1 << 20) + 13;

function seeded(seed: number): () => number {
  const rng = new Xorshift32(seed);
  return () => rng.nextFloat();
}

/** Signed values with exact ties, ±0, ±inf and NaNs of both signs (some in the tail). */
function values(seed: number, negativeShift = 0): Float32Array {
  const r = seeded(seed);
  const v = new Float32Array(N);
  for (let i = 0; i < N; i++)
    v[i] = i % 11 === 0 ? Math.round(r() * 16) / 8 - 1 : r() * 2 - 1 - negativeShift;
  const bits = new Int32Array(v.buffer);
  for (const i of [3, 1000, N - 2]) bits[i] = 0x7fc00001; // +NaN
  for (const i of [8, 2000, N - 1]) bits[i] = 0xffc00000 | 0; // -NaN
  v[9] = -0;
  v[10] = Infinity;
  v[11] = -Infinity;
  return v;
}

/** torch's ranking, by definition: NaN above everything, -0 equal to +0, ties by lowest index. */
function bruteOrder(v: Float32Array, absolute: boolean): number[] {
  const rank = (x: number): number => (Number.isNaN(x) ? Infinity : absolute ? Math.abs(x) : x);
  const nan = (x: number): boolean => Number.isNaN(x);
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => {
    const x = v[a] as number;
    const y = v[b] as number;
    if (nan(x) !== nan(y)) return nan(x) ? -1 : 1;
    const rx = rank(x);
    const ry = rank(y);
    return rx === ry ? a - b : rx > ry ? -1 : 1;
  });
  return idx;
}

describe('radixTopKFloat32 on large inputs (sampled band scan)', () => {
  for (const absolute of [true, false]) {
    it(`matches the comparator definition, ascending and most-important-first (${absolute ? '|x|' : 'x'})`, () => {
      const v = values(absolute ? 5 : 6);
      const order = bruteOrder(v, absolute);
      let banded = 0;
      const scan: BandScan = (...args) => {
        const found = serialBandScan(...args);
        if (found !== null) banded++;
        return found;
      };
      for (const k of [1, 7, 4099, Math.ceil(0.01 * N), N >> 1, N - 5]) {
        const top = order.slice(0, k);
        expect(Array.from(radixTopKFloat32Sorted(v, k, absolute, scan))).toEqual(top);
        expect(Array.from(radixTopKFloat32(v, k, absolute, scan))).toEqual(top.sort((a, b) => a - b));
      }
      // The band scan answered (not only the exact fallback).
      expect(banded).toBeGreaterThan(6);
    });
  }

  it('ranks negative values below a negative threshold correctly (no skip test applies)', () => {
    // Mostly negative values: the k-th largest of 90 % is negative, so the sampled band lies below 2^31.
    const v = values(8, 1.5);
    const k = Math.floor(0.9 * N);
    expect(Array.from(radixTopKFloat32Sorted(v, k, false))).toEqual(bruteOrder(v, false).slice(0, k));
  });

  it('gives the exact fallback the same answer when the band scan overflows', () => {
    const v = values(9);
    const k = 12_345;
    const overflowing: BandScan = () => null;
    expect(radixTopKFloat32Sorted(v, k, true, overflowing)).toEqual(radixTopKFloat32Sorted(v, k, true));
  });
});
