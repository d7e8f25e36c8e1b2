import { describe, expect, it } from 'vitest';
import { runConformance } from '../cli/conformance/run-conformance.js';
import { similarityFamily } from '../cli/conformance/similarity-family.js';
import { ComparisonError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import type { ParamSelectionSpec } from '../mapping/types.js';
import { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import type { TopKSpec } from '../model/prune-arguments.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { FIXTURES_DIR } from '../test-support/fixtures.js';
import { groupedSimilarityMatrices } from './grouped-similarity.js';
import { similarityMatrix } from './similarity-matrix.js';

const PARAMS: readonly ParamSelectionSpec[] = [
  { name: 'layer.0.weight', shape: [3, 4], repr: 'all' },
  { name: 'layer.0.bias', shape: [6], repr: 'mask', mask: Uint8Array.of(1, 0, 1, 1, 0, 1) },
  // Deliberately unsorted: input order is not base order.
  { name: 'layer.1.weight', shape: [20], repr: 'indices', indices: Int32Array.of(17, 3, 9, 0, 12, 5, 19) },
];

/** A random model over PARAMS (23 input dims), some weights exactly 0 and some tied (spearman edge cases). */
function randomModel(seed: number, latentDim: number): GradiendModel {
  const rng = new Xorshift32(seed);
  const n = 12 + 4 + 7;
  const values = (count: number): Float32Array =>
    Float32Array.from({ length: count }, () => {
      const u = rng.nextFloat();
      return u < 0.15 ? 0 : u < 0.25 ? 0.5 : rng.nextFloat() * 2 - 1;
    });
  return new GradiendModel(
    {
      inputDim: n,
      latentDim,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [latentDim, n], data: values(latentDim * n) },
      encoderBias: { dtype: 'F32', shape: [latentDim], data: values(latentDim) },
      decoderWeight: { dtype: 'F32', shape: [n, latentDim], data: values(n * latentDim) },
      decoderBias: { dtype: 'F32', shape: [n], data: values(n) },
      encoderNorm: null,
    },
    ParamMap.fromSpecs(PARAMS),
  );
}

/** The model's part values zero-filled over the whole base space (index base·L + d): the dense definition. */
function denseVector(m: GradiendModel, part: string, topk: TopKSpec | null): Float64Array {
  const n = m.inputDim;
  const l = part === 'decoder-bias' || part === 'decoder-sum' ? 1 : m.latentDim;
  const out = new Float64Array(m.unprunedLength() * l);
  const locals =
    topk === null ? Array.from({ length: n }, (_, i) => i) : [...m.topK(part as ImportancePart, topk)];
  const cw = m.computeWeights();
  const vec =
    l === 1 && part.startsWith('decoder-') && part !== 'decoder-weight'
      ? m.updateVector(part as ImportancePart)
      : null;
  for (const i of locals) {
    const b = m.baseGlobalIndex(i);
    for (let d = 0; d < l; d++) {
      out[b * l + d] =
        vec !== null
          ? (vec[i] as number)
          : part === 'encoder-weight'
            ? (cw.encoderWeight[d * n + i] as number)
            : (cw.decoderWeight[i * l + d] as number);
    }
  }
  return out;
}

function denseCosine(x: Float64Array, y: Float64Array): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += (x[i] as number) * (y[i] as number);
    xx += (x[i] as number) ** 2;
    yy += (y[i] as number) ** 2;
  }
  return xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
}

/** Average ranks by the textbook definition: 1 + #smaller + (#equal − 1)/2. */
function textbookRanks(x: Float64Array): Float64Array {
  return x.map((v) => {
    let smaller = 0;
    let equal = 0;
    for (const w of x) {
      if (w < v) smaller++;
      else if (w === v) equal++;
    }
    return 1 + smaller + (equal - 1) / 2;
  });
}

function densePearson(x: Float64Array, y: Float64Array): number {
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(x);
  const my = mean(y);
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    xx += ((x[i] as number) - mx) ** 2;
    yy += ((y[i] as number) - my) ** 2;
  }
  return xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
}

function family(latentDim: number): Map<string, GradiendModel> {
  const full = randomModel(11 * latentDim, latentDim);
  return new Map([
    ['full', full],
    ['other-seed', randomModel(97 * latentDim, latentDim)],
    ['top9', full.prune({ topk: 9, part: 'encoder-weight' }).model],
    ['kept', randomModel(5 * latentDim, latentDim).prune({ keepIdx: [22, 0, 13, 7, 16, 3, 12, 19] }).model],
  ]);
}

describe('similarityMatrix', () => {
  it('reproduces the reference similarity fixtures (the conformance family)', async () => {
    const results = await runConformance(FIXTURES_DIR, {}, [similarityFamily]);
    expect(
      results.filter((r) => r.failure !== null).map((r) => `${r.caseName}: ${r.check}: ${r.failure}`),
    ).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(3 * 14);
  }, 60_000);

  for (const latentDim of [1, 3]) {
    const models = family(latentDim);
    const ms = [...models.values()];
    for (const part of ['encoder-weight', 'decoder-weight', 'decoder-sum']) {
      for (const topk of [null, { count: 5 }, { fraction: 0.5 }] as (TopKSpec | null)[]) {
        it(`equals the dense zero-filled definitions (latent ${latentDim}, ${part}, topk ${JSON.stringify(topk)})`, () => {
          const dense = ms.map((m) => denseVector(m, part, topk));
          const cos = similarityMatrix(models, { measure: 'cosine_signed', part, topk });
          const spear = similarityMatrix(models, { measure: 'spearman_signed', part, topk });
          const ranks = dense.map(textbookRanks);
          for (let i = 0; i < ms.length; i++) {
            for (let j = 0; j < ms.length; j++) {
              expect(cos.matrix[i]?.[j]).toBeCloseTo(denseCosine(dense[i]!, dense[j]!), 10);
              expect(spear.matrix[i]?.[j]).toBeCloseTo(densePearson(ranks[i]!, ranks[j]!), 10);
            }
          }
          const unsigned = similarityMatrix(models, { measure: 'cosine', part, topk });
          expect(unsigned.matrix.flat()).toEqual(cos.matrix.flat().map(Math.abs));
        });
      }
    }

    it(`counts top-k overlaps and masses on base-global indices (latent ${latentDim})`, () => {
      const topk = { count: 6 };
      const base = ms.map(
        (m) => new Set([...m.topK('decoder-weight', topk)].map((l) => m.baseGlobalIndex(l))),
      );
      const inter = similarityMatrix(models, { measure: 'topk_overlap', topk, value: 'intersection' });
      const frac = similarityMatrix(models, { measure: 'topk_overlap', topk });
      const imp = ms.map((m) => {
        const v = m.importance('decoder-weight');
        return new Map(
          [...m.topK('decoder-weight', topk)].map((l) => [m.baseGlobalIndex(l), Math.abs(v[l]!)]),
        );
      });
      const mass = similarityMatrix(models, { measure: 'mass_overlap', part: 'decoder-weight', topk });
      for (let i = 0; i < ms.length; i++) {
        expect(inter.per_model?.[[...models.keys()][i]!]).toEqual([...base[i]!]);
        for (let j = 0; j < ms.length; j++) {
          const shared = [...base[i]!].filter((b) => base[j]!.has(b));
          expect(inter.matrix[i]?.[j]).toBe(shared.length);
          expect(frac.matrix[i]?.[j]).toBe(shared.length / Math.min(base[i]!.size, base[j]!.size));
          const norm = (m: Map<number, number>, keys: Iterable<number>): number =>
            Math.sqrt([...keys].reduce((s, k) => s + m.get(k)! ** 2, 0));
          const want =
            0.5 *
            (norm(imp[i]!, shared) / norm(imp[i]!, imp[i]!.keys()) +
              norm(imp[j]!, shared) / norm(imp[j]!, imp[j]!.keys()));
          expect(mass.matrix[i]?.[j]).toBeCloseTo(want, 12);
        }
      }
    });
  }

  it('aggregates every seed pair of a cell', () => {
    const models = family(1);
    const single = similarityMatrix(models, { measure: 'cosine' });
    const m = (id: string): GradiendModel => models.get(id)!;
    const seeds = similarityMatrix(
      new Map([
        ['a', [m('full'), m('other-seed')]],
        ['b', [m('top9'), m('kept')]],
      ]),
      { measure: 'cosine', seedAggregate: 'median', dispersion: 'minmax' },
    );
    const s = (i: number, j: number): number => single.matrix[i]![j]!;
    const ab = [s(0, 2), s(0, 3), s(1, 2), s(1, 3)];
    expect(seeds.cell_stats?.[0]?.[1]?.scores).toEqual(ab);
    const sorted = [...ab].sort((x, y) => x - y);
    expect(seeds.matrix[0]?.[1]).toBeCloseTo((sorted[1]! + sorted[2]!) / 2, 14);
    expect(seeds.cell_stats?.[0]?.[1]?.minmax).toEqual([sorted[0], sorted[3]]);
    expect(seeds.n_matrix).toEqual([
      [4, 4],
      [4, 4],
    ]);
    expect(seeds.global_n).toBe(4);
  });

  it('refuses models over different base parameter spaces', () => {
    const a = randomModel(1, 1);
    const other = new GradiendModel(
      a.architecture,
      a.weights,
      ParamMap.fromSpecs([{ name: 'layer.0.weight', shape: [4, 3], repr: 'all' }, PARAMS[1]!, PARAMS[2]!]),
    );
    expect(() => similarityMatrix({ a, other }, { measure: 'cosine' })).toThrowError(
      /models 'a' and 'other' map different base parameter spaces \(parameter 0: layer\.0\.weight \[3, 4\] vs layer\.0\.weight \[4, 3\]\)/,
    );
    expect(() => similarityMatrix({ a, other }, { measure: 'cosine' })).toThrowError(ComparisonError);
  });

  it("gives the reference's errors for bad arguments", () => {
    const models = family(1);
    const err = (o: Parameters<typeof similarityMatrix>[1]): string => {
      try {
        similarityMatrix(models, o);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err({ measure: 'mass_overlap' })).toBe("topk must be provided for measure='mass_overlap'");
    expect(err({ topk: 0 })).toBe('topk as int must be > 0');
    expect(err({ topk: 1.5 })).toBe('topk as float must be in (0, 1.0]');
    expect(err({ part: 'bias' })).toBe(
      "Supported parts are 'encoder-weight', 'decoder-weight', 'decoder-bias', and 'decoder-sum'",
    );
    expect(err({ measure: 'topk_overlap', topk: 3, value: 'x' })).toBe(
      "value must be 'intersection' or 'intersection_frac'",
    );
    expect(err({ seedAggregate: 'mode' })).toBe(
      "seed_aggregate must be one of ['max', 'mean', 'median', 'min'], got 'mode'",
    );
    expect(err({ seedAggregate: 'min', dispersion: 'range' })).toBe(
      "dispersion='range' does not make sense with seed_aggregate='min' or 'max'",
    );
    expect(() => similarityMatrix({ only: randomModel(1, 1) })).toThrowError(
      'At least 2 models are required.',
    );
  });
});

describe('groupedSimilarityMatrices', () => {
  it('splits coordinates by parameter and by layer, each group by the dense definition', () => {
    const models = family(1);
    const ms = [...models.values()];
    const byParam = groupedSimilarityMatrices(models, { measure: 'cosine_signed', part: 'decoder-weight' });
    expect(Object.keys(byParam)).toEqual(PARAMS.map((p) => p.name));
    const map = ms[0]!.paramMap;
    PARAMS.forEach((p, e) => {
      const lo = map.baseOffsets[e]!;
      const hi = map.baseOffsets[e + 1]!;
      const dense = ms.map((m) => denseVector(m, 'decoder-weight', null).slice(lo, hi));
      for (let i = 0; i < ms.length; i++)
        for (let j = 0; j < ms.length; j++)
          expect(byParam[p.name]!.matrix[i]![j]).toBeCloseTo(denseCosine(dense[i]!, dense[j]!), 10);
    });
    const byLayer = groupedSimilarityMatrices(models, {
      measure: 'cosine',
      part: 'decoder-weight',
      groupBy: 'layer',
    });
    expect(Object.keys(byLayer)).toEqual(['layer_0', 'layer_1']);
    expect(byLayer.layer_1!.matrix).toEqual(byParam['layer.1.weight']!.matrix.map((r) => r.map(Math.abs)));
    const undecoded = groupedSimilarityMatrices(models, { measure: 'cosine', decodeParamNames: false });
    expect(Object.keys(undecoded)).toEqual(['other']);
    expect(undecoded.other!.matrix).toEqual(similarityMatrix(models, { measure: 'cosine' }).matrix);
    expect(() => groupedSimilarityMatrices(models, { measure: 'topk_overlap' })).toThrowError(
      'Grouped similarities currently support cosine/cosine_signed/spearman/spearman_signed',
    );
  });
});
