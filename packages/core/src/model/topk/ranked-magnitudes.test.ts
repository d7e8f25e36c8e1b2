import { describe, expect, it } from 'vitest';
import { ParamMap } from '../../mapping/param-map.js';
import { GradiendModel } from '../gradiend-model.js';
import { EXACT_TIE_EMULATION_LIMIT, selectTopK } from './select-top-k.js';

// Just above the emulation limit, so the large-input code paths run.
const N = EXACT_TIE_EMULATION_LIMIT + 1001;

function signedValues(seed: number): Float32Array {
  let s = seed;
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    // Signs and repeated magnitudes, so |x| ranking and ties both matter.
    out[i] = (((s >>> 0) % 2001) - 1000) / 1000;
  }
  return out;
}

describe('ranking magnitudes without materialising them', () => {
  const values = signedValues(12345);
  const magnitudes = values.map(Math.abs);

  it.each([1, 999, 65_536, 1_000_000])('selects the same top-%i as ranking a |x| copy', (k) => {
    const direct = selectTopK(values, k, { sorted: false, absolute: true });
    const viaCopy = selectTopK(magnitudes, k, { sorted: false });
    expect(direct).toEqual(viaCopy);
  });

  it('sorts the same way', () => {
    expect(selectTopK(values, 5000, { sorted: true, absolute: true })).toEqual(
      selectTopK(magnitudes, 5000, { sorted: true }),
    );
  });

  it('a large latent-1 model ranks |decoder weights| in top-k and prune like its importance vector', () => {
    const model = new GradiendModel(
      {
        inputDim: N,
        latentDim: 1,
        activationEncoder: 'tanh',
        activationDecoder: 'id',
        biasDecoder: true,
        dtype: 'float32',
      },
      {
        encoderWeight: { dtype: 'F32', shape: [1, N], data: signedValues(7) },
        encoderBias: { dtype: 'F32', shape: [1], data: Float32Array.of(0) },
        decoderWeight: { dtype: 'F32', shape: [N, 1], data: values },
        decoderBias: { dtype: 'F32', shape: [N], data: signedValues(99) },
        encoderNorm: null,
      },
      ParamMap.fromSpecs([{ name: 'w', shape: [N], repr: 'all' }]),
    );
    // Identity, not deep equality: the ranking must read the decoder weights themselves (and a
    // deep compare of 4 M floats costs the test most of a minute).
    const ranked = model.rankedImportance('decoder-weight');
    expect(ranked.values).toBe(values);
    expect(ranked.absolute).toBe(true);
    for (const part of ['decoder-weight', 'encoder-weight', 'decoder-bias'] as const) {
      const importance = model.importance(part);
      expect(model.topK(part, 2000)).toEqual(selectTopK(importance, 2000, { sorted: true }));
      expect(model.prune({ topk: 3000, part }).keepIdx).toEqual(
        selectTopK(importance, 3000, { sorted: false }),
      );
    }
    // decoder-sum is not a single array's magnitude: it is materialised.
    expect(model.rankedImportance('decoder-sum').absolute).toBe(false);
  });
});
