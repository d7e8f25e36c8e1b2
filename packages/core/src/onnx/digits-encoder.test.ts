import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ComputeWeights, GradiendModelLike } from '../model/types.js';
import { digitsPath } from '../test-support/fixtures.js';
import { exportDecoderOnnx } from './export-decoder.js';
import { exportEncoderOnnx } from './export-encoder.js';
import { f32Tensor, readSafetensorsFile } from './testing/read-f32-tensor.js';
import { referenceDecode } from './testing/reference-forward.js';
import { mismatches, runOnnx } from './testing/run-onnx.js';

interface DigitsIndex {
  readonly input_scale: number;
  readonly samples: readonly { readonly file: string; readonly encoded_after_input_scale: number }[];
}

const PARAM_ORDER = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];

function digitsModel(): GradiendModelLike {
  const t = readSafetensorsFile(digitsPath('gradiend-digits-3-vs-8', 'model.safetensors'));
  const weights: ComputeWeights = {
    precision: 'f32',
    encoderWeight: f32Tensor(t, 'encoder.0.linear.weight'),
    encoderBias: f32Tensor(t, 'encoder.0.linear.bias'),
    decoderWeight: f32Tensor(t, 'decoder.0.linear.weight'),
    decoderBias: f32Tensor(t, 'decoder.0.linear.bias'),
    layerNorm: null,
  };
  return {
    architecture: {
      inputDim: 2410,
      latentDim: 1,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    computeWeights: () => weights,
  };
}

describe('digits 3-vs-8 GRADIEND', () => {
  const model = digitsModel();
  const index = JSON.parse(readFileSync(digitsPath('gradients', 'index.json'), 'utf8')) as DigitsIndex;
  const training = JSON.parse(
    readFileSync(digitsPath('gradiend-digits-3-vs-8', 'training.json'), 'utf8'),
  ) as {
    input_scale: number;
  };

  it('the exported encoder reproduces the 24 reference encodings', async () => {
    expect(index.samples).toHaveLength(24);
    const x = new Float32Array(index.samples.length * 2410);
    index.samples.forEach((sample, row) => {
      const grads = readSafetensorsFile(digitsPath('gradients', sample.file));
      let offset = row * 2410;
      for (const name of PARAM_ORDER) {
        // Dividing in float32, as the reference does on its float32 tensors.
        for (const g of f32Tensor(grads, name)) x[offset++] = Math.fround(g / training.input_scale);
      }
      expect(offset).toBe((row + 1) * 2410);
    });

    const result = await runOnnx(exportEncoderOnnx(model), 'x', x, [index.samples.length, 2410]);
    const expected = index.samples.map((s) => s.encoded_after_input_scale);
    expect(mismatches(result.data, expected, 1e-4, 1e-6)).toEqual([]);
  });

  it('the exported decoder matches the straightforward decoder', async () => {
    const h = Float32Array.of(-1, 0, 0.5, 1);
    const result = await runOnnx(exportDecoderOnnx(model), 'latent', h, [4, 1]);
    const expected = referenceDecode(model.architecture, model.computeWeights(), h);
    expect(mismatches(result.data, expected, 1e-5, 1e-7)).toEqual([]);
  });
});
