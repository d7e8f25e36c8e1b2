import { describe, expect, it } from 'vitest';
import { ParamMap } from '../mapping/index.js';
import { activateEncoded, encodeLinearRows, encodeRowsWith } from './gradiend-encoder.js';
import { GradiendModel } from './gradiend-model.js';

function model(inputDim: number, latentDim: number): GradiendModel {
  const f = (length: number, k: number) => Float32Array.from({ length }, (_, i) => Math.sin(i * k) * 0.1);
  return new GradiendModel(
    {
      inputDim,
      latentDim,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [latentDim, inputDim], data: f(latentDim * inputDim, 0.7) },
      encoderBias: { dtype: 'F32', shape: [latentDim], data: f(latentDim, 1.3) },
      decoderWeight: { dtype: 'F32', shape: [inputDim, latentDim], data: f(inputDim * latentDim, 0.3) },
      decoderBias: { dtype: 'F32', shape: [inputDim], data: f(inputDim, 0.9) },
      encoderNorm: null,
    },
    ParamMap.fromSpecs([{ name: 'w', shape: [inputDim], repr: 'all' }]),
  );
}

describe('the encoder half', () => {
  const m = model(37, 3);
  const rows = [0, 1, 2, 3, 4].map((r) => Float32Array.from({ length: 37 }, (_, i) => Math.cos(i + r)));

  it('encodes the same bits as the model', () => {
    expect(encodeRowsWith(m.encoder(), rows)).toEqual(m.encodeRows(rows));
    const linear = encodeLinearRows(m.encoder(), rows);
    activateEncoded(m.encoder(), linear);
    expect(linear).toEqual(m.encodeRows(rows));
  });

  it('leaves a non-finite input non-finite before the activation', () => {
    const bad = Float32Array.from(rows[0] ?? []);
    bad[5] = Infinity;
    const linear = encodeLinearRows(m.encoder(), [bad]);
    expect([...linear].every((v) => !Number.isFinite(v))).toBe(true);
    activateEncoded(m.encoder(), linear);
    expect([...linear].every((v) => Number.isFinite(v))).toBe(true);
  });

  it('names a row of the wrong length', () => {
    expect(() => encodeRowsWith(m.encoder(), [new Float32Array(36)])).toThrow(
      'Input tensor has incorrect size 36, expected 37',
    );
  });
});
