import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../random/xorshift32.js';
import { prunedSums, prunedSumsRange } from './pruning-curve-kernels.js';

describe('prunedSumsRange', () => {
  const n = 1000 + 5;
  const stride = 7;
  const rng = new Xorshift32(4);
  const w = rng.fill(new Float32Array(n), 1);
  const x = rng.fill(new Float32Array(n), 1);
  const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng.nextFloat() * stride));

  it('the same sums from byte buckets read four at a time, unaligned bytes and 16-bit buckets', () => {
    const sums = (bucket: Uint8Array | Uint16Array, start: number, end: number) => {
      const out = new Float64Array(stride);
      prunedSumsRange(w, x, bucket, stride, start, end, out, 0);
      return out;
    };
    // An unaligned view of the same bytes (start 0 of it is byte 1 of its buffer).
    const unaligned = new Uint8Array(n + 1).subarray(1);
    unaligned.set(bytes);
    for (const [start, end] of [
      [0, n],
      [4, n - 3],
      [3, 11],
      [8, 8],
    ] as const) {
      const want = sums(Uint16Array.from(bytes), start, end);
      expect(sums(bytes, start, end)).toEqual(want);
      expect(sums(unaligned.subarray(0), start, end)).toEqual(want);
      const naive = new Float64Array(stride);
      for (let i = start; i < end; i++) {
        const b = bytes[i] as number;
        naive[b] = (naive[b] as number) + (w[i] as number) * (x[i] as number);
      }
      want.forEach((v, b) => expect(v).toBeCloseTo(naive[b] as number, 12));
    }
  });

  it("prunedSums: its ranges' sums added in range order (one range here)", () => {
    const out = new Float64Array(stride);
    prunedSums(w, x, bytes, stride, out);
    const want = new Float64Array(stride);
    prunedSumsRange(w, x, bytes, stride, 0, n, want, 0);
    expect(out).toEqual(want);
  });
});
