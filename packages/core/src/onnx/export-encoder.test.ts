import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '../model/activation.js';
import { exportEncoderOnnx } from './export-encoder.js';
import { referenceEncode } from './testing/reference-forward.js';
import { mismatches, runOnnx } from './testing/run-onnx.js';
import { randomBatch, randomModel } from './testing/test-models.js';

const INPUT_DIM = 7;
const BATCH = 5;

const cases = ACTIVATION_NAMES.flatMap((activation) =>
  (activation === 'id' ? [1] : [1, 3]).flatMap((latentDim) =>
    (['f32', 'f64'] as const).map((precision) => ({ activation, latentDim, precision })),
  ),
);

describe('exportEncoderOnnx', () => {
  it.each(cases)(
    '$activation, latent $latentDim, $precision',
    async ({ activation, latentDim, precision }) => {
      const model = randomModel({
        inputDim: INPUT_DIM,
        latentDim,
        activationEncoder: activation,
        activationDecoder: 'id',
        biasDecoder: true,
        precision,
        seed: 1000 + latentDim * 31 + activation.length,
      });
      const x = randomBatch(BATCH * INPUT_DIM, 7 + latentDim, precision);
      const result = await runOnnx(exportEncoderOnnx(model), 'x', x, [BATCH, INPUT_DIM]);

      expect(result.type).toBe(precision === 'f32' ? 'float32' : 'float64');
      expect(result.dims).toEqual([BATCH, latentDim]);
      const expected = referenceEncode(model.architecture, model.computeWeights(), x);
      // float64 graphs evaluate GELU's erf in float32 (see activation-nodes.ts).
      const [rtol, atol] =
        precision === 'f32' ? [1e-5, 1e-6] : activation === 'gelu' ? [1e-6, 1e-7] : [1e-12, 1e-13];
      expect(mismatches(result.data, expected, rtol, atol)).toEqual([]);
    },
  );

  it('applies LayerNorm(1) for the id encoder (output is the LayerNorm bias for a single latent)', async () => {
    const model = randomModel({
      inputDim: INPUT_DIM,
      latentDim: 1,
      activationEncoder: 'id',
      activationDecoder: 'tanh',
      biasDecoder: false,
      precision: 'f32',
      seed: 5,
    });
    const ln = model.computeWeights().layerNorm;
    const x = randomBatch(BATCH * INPUT_DIM, 9, 'f32');
    const result = await runOnnx(exportEncoderOnnx(model), 'x', x, [BATCH, INPUT_DIM]);
    expect(Array.from(result.data)).toEqual(Array.from({ length: BATCH }, () => ln?.bias));
  });

  it('exports a float64 model as a float32 graph on request', async () => {
    const model = randomModel({
      inputDim: INPUT_DIM,
      latentDim: 3,
      activationEncoder: 'gelu',
      activationDecoder: 'id',
      biasDecoder: true,
      precision: 'f64',
      seed: 77,
    });
    const x = randomBatch(BATCH * INPUT_DIM, 78, 'f32');
    const result = await runOnnx(exportEncoderOnnx(model, { elementType: 'float32' }), 'x', x, [
      BATCH,
      INPUT_DIM,
    ]);
    expect(result.type).toBe('float32');
    const expected = referenceEncode(model.architecture, model.computeWeights(), x);
    expect(mismatches(result.data, expected, 1e-5, 1e-6)).toEqual([]);
  });
});
