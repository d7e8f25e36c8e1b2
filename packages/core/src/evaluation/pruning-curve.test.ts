import { describe, expect, it } from 'vitest';
import { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { encoderMetrics } from './encoder-metrics.js';
import { pruneGrid, pruneRanking } from './prune-ranking.js';
import { pruningCurve } from './pruning-curve.js';
import type { CurveSample } from './pruning-curve.js';

interface ModelSpec {
  n: number;
  latentDim: number;
  seed: number;
  /** Fraction of weights snapped to a few shared values (ties in the importance). */
  tied?: number;
  zeroBias?: boolean;
}

function model(spec: ModelSpec): GradiendModel {
  const { n, latentDim: l, seed } = spec;
  const rng = new Xorshift32(seed);
  const values = (count: number): Float32Array => {
    const out = rng.fill(new Float32Array(count), 1);
    if (spec.tied)
      for (let i = 0; i < count; i++)
        if (rng.nextFloat() < spec.tied) out[i] = [0.25, -0.25, 0.5][i % 3] as number;
    return out;
  };
  return new GradiendModel(
    {
      inputDim: n,
      latentDim: l,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [l, n], data: values(l * n) },
      encoderBias: { dtype: 'F32', shape: [l], data: values(l) },
      decoderWeight: { dtype: 'F32', shape: [n, l], data: values(n * l) },
      decoderBias: { dtype: 'F32', shape: [n], data: spec.zeroBias ? new Float32Array(n) : values(n) },
      encoderNorm: null,
    },
    ParamMap.fromSpecs([{ name: 'w', shape: [n], repr: 'all' }]),
  );
}

function samples(n: number, count: number, seed: number): CurveSample[] {
  const rng = new Xorshift32(seed);
  return Array.from({ length: count }, (_, r) => ({
    // Scaled so the pre-activation stays O(1): a saturated tanh would hide a wrong dim.
    x: rng.fill(new Float32Array(n), 3 / Math.sqrt(n)),
    label: r % 2 ? 1 : -1,
    type: 'training',
  }));
}

/** Every grid point's encodings equal those of the model really pruned to that k. */
function expectMatchesPrune(
  m: GradiendModel,
  xs: CurveSample[],
  source: { part?: ImportancePart; importance?: Float32Array },
  checkEvery = 1,
  mustCheck: readonly number[] = [],
): void {
  const ks = [3, 7, ...mustCheck];
  const curve = pruningCurve(m, xs, { ...source, points: 12, ks });
  expect(curve.map((p) => p.k)).toEqual(pruneGrid(m.inputDim, 12, ks));
  curve.forEach((point, j) => {
    if (j % checkEvery !== 0 && point.k !== m.inputDim && !mustCheck.includes(point.k)) return;
    const pruned = m.prune({ topk: { count: point.k }, ...source }).model;
    expect(pruned.inputDim).toBe(point.keptDims);
    const want = pruned.encodeRows(xs.map((s) => keptInput(pruned, s.x)));
    const got = point.encoded.flat();
    for (let i = 0; i < got.length; i++)
      expect(
        Math.abs((got[i] as number) - (want[i] as number)),
        `k ${point.k} value ${i}`,
      ).toBeLessThanOrEqual(1e-6 * Math.abs(want[i] as number) + 1e-6);
    const rows = xs.map((s, r) => ({ ...s, encoded: want[r * m.latentDim] as number }));
    expect(point.metrics.correlation).toBeCloseTo(encoderMetrics(rows).correlation, 5);
  });
}

/** The sample restricted to the pruned model's input dims (its base-global indices are the kept dims). */
function keptInput(pruned: GradiendModel, x: ArrayLike<number>): Float32Array {
  const idx = pruned.baseGlobalIndexMap();
  return Float32Array.from(idx, (i) => x[i] as number);
}

describe('pruningCurve', () => {
  it('default grid: ≈40 log-spaced k from 1 to input_dim plus the given k', () => {
    const ks = pruneGrid(108_891_648, 40, [12345]);
    expect(ks[0]).toBe(1);
    expect(ks[ks.length - 1]).toBe(108_891_648);
    expect(ks).toContain(12345);
    expect(ks.length).toBe(41);
    expect(pruneGrid(10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(() => pruneGrid(10, 40, [11])).toThrowError('k must be an integer in [1, 10], got 11');
  });

  for (const part of ['decoder-weight', 'encoder-weight', 'decoder-sum'] as ImportancePart[]) {
    for (const latentDim of [1, 3]) {
      it(`equals really pruned models' encodings (${part}, latent ${latentDim})`, () => {
        const m = model({ n: 300, latentDim, seed: 3 + latentDim });
        expectMatchesPrune(m, samples(300, 5, 9), { part });
      });
    }
  }

  it('ranks ties as prune does (tied importances, an all-zero decoder bias, an importance vector)', () => {
    const tied = model({ n: 400, latentDim: 1, seed: 21, tied: 0.6 });
    expectMatchesPrune(tied, samples(400, 4, 1), { part: 'decoder-weight' });
    const zeroBias = model({ n: 200, latentDim: 1, seed: 22, zeroBias: true });
    expectMatchesPrune(zeroBias, samples(200, 4, 2), { part: 'decoder-bias' });
    const importance = Float32Array.from({ length: 200 }, (_, i) => (i % 7) / 7);
    expectMatchesPrune(zeroBias, samples(200, 4, 3), { importance });
  });

  it('ranks a large signed float32 importance vector (±0 and ties included) as prune does', () => {
    const n = (1 << 20) + 777;
    const m = model({ n, latentDim: 1, seed: 8 });
    const rng = new Xorshift32(3);
    const importance = Float32Array.from({ length: n }, (_, i) =>
      i % 5 === 0 ? (i % 2 ? -0 : 0) : i % 7 === 0 ? 0.125 : rng.nextFloat() * 2 - 1,
    );
    let above = 0;
    let at = 0;
    for (const v of importance) {
      if (v > 0.125) above++;
      else if (v === 0.125) at++;
    }
    expectMatchesPrune(m, samples(n, 2, 6), { importance }, 6, [above + Math.floor(at / 2), n - 5]);
  }, 120_000);

  it('uses the histogram thresholds on large float32 importances, still exact', () => {
    // > 2^22 dims: prune ranks |w| directly (rankedImportance's absolute path), ties included.
    const n = (1 << 22) + 3001;
    const m = model({ n, latentDim: 1, seed: 5, tied: 0.3 });
    // k's inside the runs of |w| = 0.5 and 0.25 (prune keeps only part of each run there).
    const w = m.computeWeights().decoderWeight;
    let above = 0;
    let half = 0;
    let quarter = 0;
    for (const v of w) {
      const a = Math.abs(v);
      if (a > 0.5) above++;
      else if (a === 0.5) half++;
      else if (a === 0.25) quarter++;
    }
    const inHalf = above + Math.floor(half / 3);
    let between = 0;
    for (const v of w) if (Math.abs(v) > 0.25 && Math.abs(v) < 0.5) between++;
    const inQuarter = above + half + between + Math.floor(quarter / 2);
    const ranking = pruneRanking(m, { part: 'decoder-weight' }, [inHalf, inQuarter]);
    expect([...ranking.extras.keys()]).toEqual([0, 1]);
    expectMatchesPrune(m, samples(n, 2, 4), { part: 'decoder-weight' }, 4, [inHalf, inQuarter]);
  }, 120_000);
});
