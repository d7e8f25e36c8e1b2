import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../random/xorshift32.js';
import { prunedSums, prunedSumsRange, sampleSumsRange } from './pruning-curve-kernels.js';

describe('prunedSumsRange', () => {
  const n = 1000 + 5;
  const stride = 7;
  const rng = new Xorshift32(4);
  const w = rng.fill(new Float32Array(n), 1);
  const xs = Array.from({ length: 6 }, () => rng.fill(new Float32Array(n), 1));
  const x = xs[0] as Float32Array;
  const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng.nextFloat() * stride));
  const ranges = [
    [0, n],
    [4, n - 3],
    [3, 11],
    [8, 8],
  ] as const;

  const sums = (
    samples: readonly Float32Array[],
    bucket: Uint8Array | Uint16Array,
    start: number,
    end: number,
  ) => {
    const out = new Float64Array(samples.length * stride);
    prunedSumsRange(w, samples, bucket, stride, start, end, out, 0);
    return out;
  };

  it('the same sums from byte buckets read four at a time, unaligned bytes and 16-bit buckets', () => {
    // An unaligned view of the same bytes (start 0 of it is byte 1 of its buffer).
    const unaligned = new Uint8Array(n + 1).subarray(1);
    unaligned.set(bytes);
    for (const [start, end] of ranges) {
      const want = sums([x], Uint16Array.from(bytes), start, end);
      expect(sums([x], bytes, start, end)).toEqual(want);
      expect(sums([x], unaligned.subarray(0), start, end)).toEqual(want);
      const naive = new Float64Array(stride);
      for (let i = start; i < end; i++) {
        const b = bytes[i] as number;
        naive[b] = (naive[b] as number) + (w[i] as number) * (x[i] as number);
      }
      want.forEach((v, b) => expect(v).toBeCloseTo(naive[b] as number, 12));
    }
  });

  it("a sample's sums have the same bits alone and among four, five or six (four per pass, the rest alone)", () => {
    for (const [start, end] of ranges)
      for (const count of [4, 5, 6]) {
        const together = sums(xs.slice(0, count), bytes, start, end);
        for (let s = 0; s < count; s++) {
          const alone = new Float64Array(stride);
          // The one-sample loop reading single bytes: the plainest path of all.
          sampleSumsRange(w, xs[s] as Float32Array, bytes, stride, start, end, false, alone, 0);
          expect(together.subarray(s * stride, (s + 1) * stride)).toEqual(alone);
        }
      }
  });

  it("prunedSums: its ranges' sums added in range order (one range here), per sample", () => {
    const out = new Float64Array(2 * stride);
    prunedSums(w, [x, xs[1] as Float32Array], bytes, stride, out);
    expect(out).toEqual(sums([x, xs[1] as Float32Array], bytes, 0, n));
  });
});
