import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '../model/activation.js';
import { exportDecoderOnnx } from './export-decoder.js';
import { referenceDecode } from './testing/reference-forward.js';
import { mismatches, runOnnx } from './testing/run-onnx.js';
import { randomBatch, randomModel } from './testing/test-models.js';

const INPUT_DIM = 11;
const BATCH = 4;

const cases = ACTIVATION_NAMES.flatMap((activation) =>
  [1, 3].flatMap((latentDim) =>
    [true, false].flatMap((biasDecoder) =>
      (['f32', 'f64'] as const).map((precision) => ({ activation, latentDim, biasDecoder, precision })),
    ),
  ),
);

describe('exportDecoderOnnx', () => {
  it.each(cases)(
    '$activation, latent $latentDim, bias $biasDecoder, $precision',
    async ({ activation, latentDim, biasDecoder, precision }) => {
      const model = randomModel({
        inputDim: INPUT_DIM,
        latentDim,
        activationEncoder: 'tanh',
        activationDecoder: activation,
        biasDecoder,
        precision,
        seed: 2000 + latentDim * 17 + activation.length + (biasDecoder ? 1 : 0),
      });
      const h = randomBatch(BATCH * latentDim, 3 + latentDim, precision, 1.5);
      const result = await runOnnx(exportDecoderOnnx(model), 'latent', h, [BATCH, latentDim]);

      expect(result.type).toBe(precision === 'f32' ? 'float32' : 'float64');
      expect(result.dims).toEqual([BATCH, INPUT_DIM]);
      const expected = referenceDecode(model.architecture, model.computeWeights(), h);
      const [rtol, atol] =
        precision === 'f32' ? [1e-5, 1e-6] : activation === 'gelu' ? [1e-6, 1e-7] : [1e-12, 1e-13];
      expect(mismatches(result.data, expected, rtol, atol)).toEqual([]);
    },
  );

  it('accepts any batch size (dynamic batch dimension)', async () => {
    const model = randomModel({
      inputDim: INPUT_DIM,
      latentDim: 1,
      activationEncoder: 'tanh',
      activationDecoder: 'silu',
      biasDecoder: true,
      precision: 'f32',
      seed: 3,
    });
    const bytes = exportDecoderOnnx(model);
    for (const batch of [1, 9]) {
      const h = randomBatch(batch, batch, 'f32');
      const result = await runOnnx(bytes, 'latent', h, [batch, 1]);
      expect(result.dims).toEqual([batch, INPUT_DIM]);
      expect(
        mismatches(result.data, referenceDecode(model.architecture, model.computeWeights(), h), 1e-5, 1e-6),
      ).toEqual([]);
    }
  });
});
