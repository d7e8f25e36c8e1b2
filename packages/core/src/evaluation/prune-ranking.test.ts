import { describe, expect, it } from 'vitest';
import type { GradiendModel } from '../model/gradiend-model.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { latentOneModel } from '../test-support/latent-one-model.js';
import { pruneGrid, pruneRanking } from './prune-ranking.js';

function model(n: number, decoderWeight?: Float32Array): GradiendModel {
  const rng = new Xorshift32(17);
  const values = (count: number): Float32Array => rng.fill(new Float32Array(count), 1);
  return latentOneModel({
    encoder: values(n),
    encoderBias: values(1),
    decoder: decoderWeight ?? values(n),
    decoderBias: values(n),
  });
}

describe('pruneRanking', () => {
  it('the histogram path of a large float32 importance equals the sorted path of its float64 copy', () => {
    // NaN ranks as +∞ (tied with it), -0 as +0; runs of equal values straddle some k's; > 254 grid
    // points take Uint16 buckets.
    const n = (1 << 20) + 4099;
    const m = model(n);
    const rng = new Xorshift32(5);
    const importance = Float32Array.from({ length: n }, (_, i) =>
      i % 9973 === 0
        ? NaN
        : i % 7919 === 0
          ? Infinity
          : i % 11 === 0
            ? i % 2
              ? -0
              : 0
            : i % 13 === 0
              ? 0.375
              : rng.nextFloat() * 2 - 1,
    );
    for (const points of [40, 300]) {
      const ks = pruneGrid(n, points, [150, 1000]);
      const f32 = pruneRanking(m, { importance }, ks);
      const f64 = pruneRanking(m, { importance: Float64Array.from(importance) }, ks);
      expect(f32.bucket).toBeInstanceOf(ks.length < 255 ? Uint8Array : Uint16Array);
      expect(f32.bucket).toEqual(f64.bucket);
      expect(f32.extras).toEqual(f64.extras);
    }
  }, 120_000);

  it('ranks |decoder weight| above 2^22 dims (NaN, ±∞, ±0, ties) as the sorted path ranks |w| in float64', () => {
    const n = (1 << 22) + 1001;
    const rng = new Xorshift32(8);
    const w = Float32Array.from({ length: n }, (_, i) =>
      i % 8191 === 0
        ? NaN
        : i % 6007 === 0
          ? i % 2
            ? -Infinity
            : Infinity
          : i % 17 === 0
            ? i % 2
              ? -0
              : 0
            : i % 7 === 0
              ? i % 2
                ? -0.5
                : 0.5
              : rng.nextFloat() * 2 - 1,
    );
    const m = model(n, w);
    let above = 0;
    let half = 0;
    for (const v of w) {
      const a = Math.abs(v);
      if (a > 0.5 || Number.isNaN(a)) above++;
      else if (a === 0.5) half++;
    }
    // k's inside the run of ±∞ and NaN (ranked as +∞) and inside the run of |w| = 0.5.
    const ks = pruneGrid(n, 40, [600, above + Math.floor(half / 2)]);
    const got = pruneRanking(m, { part: 'decoder-weight' }, ks);
    const want = pruneRanking(m, { importance: Float64Array.from(w, Math.abs) }, ks);
    expect(got.extras.size).toBeGreaterThanOrEqual(2);
    expect(Buffer.from(got.bucket.buffer).equals(Buffer.from(want.bucket.buffer))).toBe(true);
    expect(got.extras).toEqual(want.extras);
  }, 120_000);
});
