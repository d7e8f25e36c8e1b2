import { describe, expect, it } from 'vitest';
import { PruneArgumentError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from './gradiend-model.js';
import type { PruneOptions } from './prune-arguments.js';

/** Decoder weights 0..n-1 scaled, so decoder-weight importance ranks dims by index. */
function rankedModel(n = 10): GradiendModel {
  const ramp = Float32Array.from({ length: n }, (_, i) => (i + 1) / n);
  return new GradiendModel(
    {
      inputDim: n,
      latentDim: 1,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [1, n], data: ramp.slice().reverse() },
      encoderBias: { dtype: 'F32', shape: [1], data: Float32Array.of(0.1) },
      decoderWeight: { dtype: 'F32', shape: [n, 1], data: ramp },
      decoderBias: { dtype: 'F32', shape: [n], data: new Float32Array(n).fill(0.5) },
      encoderNorm: null,
    },
    ParamMap.fromSpecs([
      { name: 'a', shape: [2, 2], repr: 'all' },
      { name: 'b', shape: [100], repr: 'indices', indices: [90, 10, 50, 70, 30, 20] },
    ]),
  );
}

function pruneError(options: PruneOptions): PruneArgumentError {
  try {
    rankedModel().prune(options);
  } catch (e) {
    if (e instanceof PruneArgumentError) return e;
    throw e;
  }
  throw new Error('prune did not throw');
}

describe('prune selection', () => {
  it('keeps the top-k dims, slices every weight and remaps the param map in order', () => {
    const m = rankedModel();
    const { model, keepIdx, combinedMask } = m.prune({ topk: 3 });
    expect(Array.from(keepIdx)).toEqual([7, 8, 9]);
    expect(Array.from(combinedMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(model.inputDim).toBe(3);
    expect(Array.from(model.weights.decoderWeight.data as Float32Array)).toEqual(
      Array.from((m.weights.decoderWeight.data as Float32Array).slice(7)),
    );
    expect(Array.from(model.weights.encoderWeight.data as Float32Array)).toEqual(
      Array.from((m.weights.encoderWeight.data as Float32Array).slice(7)),
    );
    // b's selected positions 4..9 were [30, 20] at local 8, 9 → kept in their original (unsorted) order
    expect(Array.from(model.paramMap.entry('b')!.selectedPositions())).toEqual([70, 30, 20]);
    expect(model.paramMap.entry('a')!.numSelected).toBe(0);
    expect(m.inputDim).toBe(10); // the source is untouched
  });

  it('applies mask → threshold → top-k in that order', () => {
    const mask = Uint8Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const { keepIdx } = rankedModel().prune({ mask, threshold: 0.3, topk: { fraction: 0.5 } });
    // mask keeps 0,2,4,6,8; threshold ≥0.3 keeps 2,4,6,8 (values 0.3..0.9); half of 4 → 2
    expect(Array.from(keepIdx)).toEqual([6, 8]);
  });

  it('uses a caller importance vector instead of the weights', () => {
    const importance = Float32Array.from({ length: 10 }, (_, i) => 10 - i);
    expect(Array.from(rankedModel().prune({ topk: 2, importance }).keepIdx)).toEqual([0, 1]);
  });

  it('keeps explicit keep_idx (any order, duplicates ignored)', () => {
    expect(Array.from(rankedModel().prune({ keepIdx: [5, 1, 5] }).keepIdx)).toEqual([1, 5]);
  });

  it('treats a fractional top-k of exactly 1 as "keep everything"', () => {
    const m = rankedModel();
    const r = m.prune({ topk: { fraction: 1 } });
    expect(r.model).not.toBe(m);
    expect(r.model.inputDim).toBe(10);
    expect(r.combinedMask.every((v) => v === 1)).toBe(true);
    // while the integer 1 keeps exactly one dim
    expect(m.prune({ topk: 1 }).model.inputDim).toBe(1);
  });

  it('prunes in place when asked', () => {
    const m = rankedModel();
    const r = m.prune({ topk: 4, inplace: true });
    expect(r.model).toBe(m);
    expect(m.inputDim).toBe(4);
    expect(m.encode(new Float32Array(4))).toHaveLength(1);
  });

  it('compares the threshold in float32 like torch does for a float32 importance', () => {
    const m = rankedModel();
    const v = (m.importance('decoder-weight')[6] as number) + 1e-9; // rounds down to the same float32
    expect(m.prune({ threshold: v }).keepIdx[0]).toBe(6);
  });
});

describe('prune validation (types and messages of the reference)', () => {
  it.each<[string, PruneOptions, 'ValueError' | 'TypeError', string]>([
    ['nothing given', {}, 'ValueError', 'At least one of topk, threshold, mask must be provided.'],
    [
      'keep_idx with topk',
      { keepIdx: [1], topk: 2 },
      'ValueError',
      'keep_idx cannot be combined with topk, threshold, mask, or importance.',
    ],
    ['empty keep_idx', { keepIdx: [] }, 'ValueError', 'keep_idx must not be empty.'],
    ['keep_idx out of range', { keepIdx: [10] }, 'ValueError', 'keep_idx out of bounds for input_dim=10'],
    ['keep_idx of the wrong kind', { keepIdx: 'x' as never }, 'TypeError', 'keep_idx must be a tensor.'],
    ['topk 0', { topk: 0 }, 'ValueError', 'If topk is int, it must be >= 1.'],
    ['topk 1.5', { topk: 1.5 }, 'ValueError', 'If topk is float, it must be in (0, 1].'],
    ['topk true', { topk: true as never }, 'TypeError', 'topk must be int or float, not bool'],
    ['topk "5"', { topk: '5' as never }, 'TypeError', 'topk must be int or float, got string'],
    ['negative threshold', { threshold: -1 }, 'ValueError', 'threshold must be a non-negative float/int'],
    [
      'a threshold above everything',
      { threshold: 5 },
      'ValueError',
      'Pruning would remove all dimensions (combined_mask all False).',
    ],
    [
      'a mask of the wrong length',
      { mask: new Uint8Array(3) },
      'ValueError',
      'mask must be bool tensor with shape (10,)',
    ],
    [
      'mask removing everything, then topk',
      { mask: new Uint8Array(10), topk: 2 },
      'ValueError',
      'No dimensions left after mask/threshold.',
    ],
    [
      'importance of the wrong length',
      { importance: new Float32Array(5), topk: 2 },
      'ValueError',
      'importance must be 1D tensor of length 10, got shape torch.Size([5])',
    ],
    [
      'an unknown part',
      { topk: 2, part: 'bias' as never },
      'ValueError',
      "part must be 'encoder-weight', 'decoder-weight', 'decoder-bias', or 'decoder-sum', got 'bias'",
    ],
    [
      'an unknown part (reported lower-cased, as the reference lower-cases it first)',
      { topk: 2, part: 'Bias' as never },
      'ValueError',
      "part must be 'encoder-weight', 'decoder-weight', 'decoder-bias', or 'decoder-sum', got 'bias'",
    ],
  ])('%s', (_label, options, type, message) => {
    const e = pruneError(options);
    expect([e.referenceType, e.message]).toEqual([type, message]);
  });
});
