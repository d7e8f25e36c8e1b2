import { describe, expect, it } from 'vitest';
import { MappingError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from '../model/gradiend-model.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { SpaceProjection } from './project-space.js';

function model(seed: number): GradiendModel {
  const n = 12 + 7;
  const rng = new Xorshift32(seed);
  const f = (k: number): Float32Array => rng.fill(new Float32Array(k), 1);
  return new GradiendModel(
    {
      inputDim: n,
      latentDim: 1,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: false,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [1, n], data: f(n) },
      encoderBias: { dtype: 'F32', shape: [1], data: f(1) },
      decoderWeight: { dtype: 'F32', shape: [n, 1], data: f(n) },
      decoderBias: null,
      encoderNorm: null,
    },
    ParamMap.fromSpecs([
      { name: 'a', shape: [3, 4], repr: 'all' },
      { name: 'b', shape: [20], repr: 'indices', indices: Int32Array.of(17, 3, 9, 0, 12, 5, 19) },
    ]),
  );
}

describe('SpaceProjection', () => {
  it("reads a root space's vector in the space of a version pruned (twice) from it, by base-global index", () => {
    const root = model(1).prune({ topk: 14 }).model;
    const leaf = root.prune({ topk: 6, part: 'encoder-weight' }).model;
    const x = Float32Array.from({ length: root.inputDim }, (_, i) => 100 + i);
    const got = new SpaceProjection(root.paramMap, leaf.paramMap).project(x);
    const rootIndex = [...root.baseGlobalIndexMap()];
    expect([...got]).toEqual([...leaf.baseGlobalIndexMap()].map((b) => x[rootIndex.indexOf(b)]));
    // Full space → leaf directly equals full → root → leaf.
    const full = model(1);
    const xf = Float32Array.from({ length: full.inputDim }, (_, i) => i * 0.5);
    const direct = new SpaceProjection(full.paramMap, leaf.paramMap).project(xf);
    const viaRoot = new SpaceProjection(root.paramMap, leaf.paramMap).project(
      new SpaceProjection(full.paramMap, root.paramMap).project(xf),
    );
    expect([...direct]).toEqual([...viaRoot]);
  });

  it('refuses targets with dims the source lacks, and other parameter spaces', () => {
    const full = model(2);
    const one = full.prune({ topk: 5 }).model;
    const other = full.prune({ topk: 5, part: 'encoder-weight' }).model;
    expect(() => new SpaceProjection(one.paramMap, other.paramMap)).toThrowError(/not in the source space/);
    const renamed = ParamMap.fromSpecs([
      { name: 'a', shape: [4, 3], repr: 'all' },
      { name: 'b', shape: [20], repr: 'all' },
    ]);
    expect(() => new SpaceProjection(full.paramMap, renamed)).toThrowError(MappingError);
  });
});
