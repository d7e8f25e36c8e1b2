import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../random/xorshift32.js';
import { absRange, columnAbsSumRange, rowAbsSumRange } from './importance-kernels.js';
import { decodeLinearRange, dot } from './linear-kernels.js';

function seeded(seed: number): () => number {
  const rng = new Xorshift32(seed);
  return () => rng.nextFloat() - 0.5;
}

function randomF32(n: number, seed: number): Float32Array {
  const r = seeded(seed);
  return Float32Array.from({ length: n }, () => r());
}

// Lengths around the unrolled loops' strides (4 and 8), and ranges that start off the stride.
const LENGTHS = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1001];
const STARTS = [0, 1, 3];

describe('dot (unrolled by 8)', () => {
  it('adds exactly what four float64 accumulators (i mod 4) would, then s0 + s1 + s2 + s3', () => {
    for (const n of LENGTHS) {
      for (const off of STARTS) {
        const a = randomF32(n + off, n);
        const b = randomF32(n + off + 2, n + 1);
        const s = new Float64Array(4);
        const n4 = n - (n % 4);
        for (let i = 0; i < n4; i++)
          s[i % 4] = (s[i % 4] as number) + (a[off + i] as number) * (b[off + 2 + i] as number);
        for (let i = n4; i < n; i++)
          s[0] = (s[0] as number) + (a[off + i] as number) * (b[off + 2 + i] as number);
        const want = (s[0] as number) + (s[1] as number) + (s[2] as number) + (s[3] as number);
        expect(Object.is(dot(a, off, b, off + 2, n), want)).toBe(true);
      }
    }
  });
});

describe('decodeLinearRange, latent 1 (unrolled by 4)', () => {
  it('writes fround(w·h + b) (or fround(w·h)) for exactly the range, tails included', () => {
    for (const n of LENGTHS) {
      const w = randomF32(n, 3 + n);
      const b = randomF32(n, 4 + n);
      const h = Float64Array.of(0.7310585786300049, -1.25);
      for (const start of STARTS.filter((s) => s <= n)) {
        for (const bias of [b, null]) {
          const out = new Float32Array(2 * n).fill(9);
          decodeLinearRange(w, bias, 1, n, h, 2, out, start, n);
          for (let r = 0; r < 2; r++) {
            for (let i = 0; i < n; i++) {
              const v = (w[i] as number) * (h[r] as number) + (bias ? (bias[i] as number) : 0);
              expect(out[r * n + i]).toBe(
                i < start ? 9 : Math.fround(bias ? v : (w[i] as number) * (h[r] as number)),
              );
            }
          }
        }
      }
    }
  });
});

describe('absRange', () => {
  const special = Float32Array.of(-0, 0, -1.5, Infinity, -Infinity, 1e-45, -1e-45, -3.4e38, NaN, -NaN);
  // A NaN with its sign bit set and a payload: |x| clears the sign and keeps the payload.
  const bits = new Int32Array(special.buffer);
  bits[9] = 0xffc01234 | 0;

  it('clears the sign bit of float32 values, ±0, ±inf, subnormals and NaN payloads included', () => {
    for (const n of LENGTHS) {
      const w = new Float32Array(n + special.length);
      w.set(randomF32(n, 7 + n));
      w.set(special, n);
      for (const start of STARTS) {
        const out = new Float32Array(w.length).fill(5);
        absRange(w, out, start, w.length);
        const outBits = new Int32Array(out.buffer);
        const wBits = new Int32Array(w.buffer);
        for (let i = 0; i < w.length; i++)
          expect(outBits[i]).toBe(
            i < start ? new Int32Array(Float32Array.of(5).buffer)[0] : (wBits[i] as number) & 0x7fffffff,
          );
      }
    }
  });

  it('takes Math.abs for float64 arrays', () => {
    const w = Float64Array.of(-0.1, 2, -3e300);
    const out = new Float64Array(3);
    absRange(w, out, 0, 3);
    expect(Array.from(out)).toEqual([0.1, 2, 3e300]);
  });

  it('is what the importance kernels use for one decoder column and the first encoder row', () => {
    const w = randomF32(1003, 11);
    const want = w.map(Math.abs);
    const row = new Float32Array(1003);
    rowAbsSumRange(w, 1, row, 0, 1003);
    expect(row).toEqual(want);
    const col = new Float32Array(1003);
    columnAbsSumRange(w, 1, 1003, col, 0, 1003);
    expect(col).toEqual(want);
  });
});
