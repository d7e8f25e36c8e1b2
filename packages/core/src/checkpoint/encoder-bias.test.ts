import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../model/activation-kernels.js';
import type { TopKSpec } from '../model/prune-arguments.js';
import type { ImportancePart } from '../model/importance.js';
import { exportDecoderOnnx, exportEncoderOnnx } from '../onnx/index.js';
import { onnx } from '../onnx/onnx-proto.js';
import { mismatches, runOnnx } from '../onnx/testing/run-onnx.js';
import { readSafetensorsBuffer, serializeSafetensors } from '../safetensors/index.js';
import { toFloat64 } from '../tensor/convert.js';
import { FIXTURES_DIR } from '../test-support/fixtures.js';
import { asNewerLibraryConfig, withoutEncoderBias } from '../test-support/newer-library-checkpoints.js';
import { inspectCheckpoint } from './inspect-checkpoint.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

const parent = await mkdtemp(path.join(os.tmpdir(), 'bias-encoder-'));
afterAll(() => rm(parent, { recursive: true, force: true }));

async function expectSameFolder(ours: string, reference: string): Promise<void> {
  const names = (await readdir(reference)).sort();
  expect((await readdir(ours)).sort()).toEqual(names);
  for (const name of names) {
    const [a, b] = await Promise.all([readFile(path.join(ours, name)), readFile(path.join(reference, name))]);
    expect(a.equals(b), `${name} differs`).toBe(true);
  }
}

const PRUNES: ReadonlyArray<readonly [string, string, { topk: TopKSpec; part?: ImportancePart }]> = [
  ['two-layer-all', 'prune0', { topk: { count: 30 } }],
  ['two-layer-all', 'prune1', { topk: { fraction: 0.25 } }],
  ['two-layer-all', 'prune12', { topk: { count: 12 }, part: 'decoder-sum' }],
  ['mixed-latent3', 'prune0', { topk: { count: 20 } }],
  ['mixed-latent3', 'prune1', { topk: { fraction: 0.5 }, part: 'encoder-weight' }],
  ['mixed-latent3', 'prune3', { topk: { count: 3 }, part: 'decoder-sum' }],
];

describe('checkpoints without an encoder bias (bias_encoder: false)', () => {
  it.each(['two-layer-all', 'mixed-latent3', 'layernorm-nobias'])(
    '%s: loads without the bias and saves back byte for byte',
    async (fixture) => {
      const dir = await withoutEncoderBias(
        path.join(FIXTURES_DIR, fixture, 'model'),
        path.join(parent, `${fixture}-in`),
      );
      const { model } = await loadCheckpoint(dir);
      expect(model.architecture.biasEncoder).toBe(false);
      expect(model.weights.encoderBias).toBeNull();
      expect((await inspectCheckpoint(dir)).problems).toEqual([]);
      const out = path.join(parent, `${fixture}-out`);
      await saveCheckpoint(out, model);
      await expectSameFolder(out, dir);
    },
  );

  it.each(['two-layer-all', 'mixed-latent3'])('%s: encodes as act(W_e · x) with no bias', async (fixture) => {
    const dir = await withoutEncoderBias(
      path.join(FIXTURES_DIR, fixture, 'model'),
      path.join(parent, `${fixture}-encode`),
    );
    const { model } = await loadCheckpoint(dir);
    const expected = readSafetensorsBuffer(
      new Uint8Array(await readFile(path.join(FIXTURES_DIR, fixture, 'expected.safetensors'))),
    ).tensors();
    const xs = toFloat64(expected.get('forward.x') as never);
    const { inputDim: n, latentDim: l, activationEncoder } = model.architecture;
    const w = toFloat64(model.weights.encoderWeight);
    const batch = xs.length / n;
    // Independent float64 evaluation of the encoder without its bias.
    const want: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < l; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (w[j * n + i] as number) * (xs[b * n + i] as number);
        want.push(ACTIVATIONS[activationEncoder](s));
      }
    }
    const got = model.encode(Float32Array.from(xs), batch);
    expect(mismatches(got, want, 1e-5, 1e-6)).toEqual([]);

    // The exported graphs take no encoder bias and compute the same.
    const encoderOnnx = exportEncoderOnnx(model);
    const names = onnx.ModelProto.decode(encoderOnnx).graph?.initializer?.map((t) => t.name);
    expect(names).toEqual(['encoder.0.linear.weight']);
    const ran = await runOnnx(encoderOnnx, 'x', Float32Array.from(xs), [batch, n]);
    expect(mismatches(ran.data, got, 1e-5, 1e-6)).toEqual([]);
    const decoded = await runOnnx(exportDecoderOnnx(model), 'latent', Float32Array.from(got), [batch, l]);
    expect(mismatches(decoded.data, model.decode(got, batch), 1e-5, 1e-6)).toEqual([]);
  });

  it.each(PRUNES)(
    '%s %s: prunes to the reference prune without the encoder bias',
    async (fixture, prune, options) => {
      // The encoder bias plays no part in importance or selection, so the reference's own prune of
      // the biased model, minus that bias and in the newer layout, is what the bias-free prune writes.
      const dir = await withoutEncoderBias(
        path.join(FIXTURES_DIR, fixture, 'model'),
        path.join(parent, `${fixture}-${prune}-in`),
      );
      const reference = await withoutEncoderBias(
        path.join(FIXTURES_DIR, fixture, prune),
        path.join(parent, `${fixture}-${prune}-ref`),
      );
      const { model } = await loadCheckpoint(dir);
      const pruned = model.prune(options).model;
      expect(pruned.weights.encoderBias).toBeNull();
      const out = path.join(parent, `${fixture}-${prune}-out`);
      await saveCheckpoint(out, pruned);
      await expectSameFolder(out, reference);
    },
  );

  it('reads bias_encoder: true in the newer layout and writes it back', async () => {
    const dir = path.join(parent, 'newer-with-bias');
    await cp(path.join(FIXTURES_DIR, 'two-layer-all', 'model'), dir, { recursive: true });
    const config = path.join(dir, 'config.json');
    await writeFile(config, asNewerLibraryConfig(await readFile(config, 'utf8'), true));
    const { model } = await loadCheckpoint(dir);
    expect(model.weights.encoderBias?.shape).toEqual([1]);
    const out = path.join(parent, 'newer-with-bias-out');
    await saveCheckpoint(out, model);
    await expectSameFolder(out, dir);
  });

  it('a config without bias_encoder lets the state dict decide, as newer versions load it', async () => {
    const dir = path.join(parent, 'silent');
    await cp(path.join(FIXTURES_DIR, 'two-layer-all', 'model'), dir, { recursive: true });
    const weights = path.join(dir, 'model.safetensors');
    const tensors = readSafetensorsBuffer(new Uint8Array(await readFile(weights))).tensors();
    tensors.delete('encoder.0.linear.bias');
    await writeFile(weights, serializeSafetensors(tensors));
    const { model } = await loadCheckpoint(dir);
    expect(model.architecture.biasEncoder).toBe(false);
    expect((await inspectCheckpoint(dir)).architecture.biasEncoder).toBe(false);
    // Saved with the key, so older versions fail loudly instead of expecting a bias.
    const out = path.join(parent, 'silent-out');
    await saveCheckpoint(out, model);
    expect(await readFile(path.join(out, 'config.json'), 'utf8')).toContain(
      '"activation_decoder": "id",\n    "bias_encoder": false,\n    "bias_decoder": true,',
    );
  });

  it('keeps component slices of split models and resets them to one full span on prune, as newer versions do', async () => {
    const dir = path.join(parent, 'split');
    await cp(path.join(FIXTURES_DIR, 'two-layer-all', 'model'), dir, { recursive: true });
    const config = path.join(dir, 'config.json');
    const split = asNewerLibraryConfig(await readFile(config, 'utf8'), true).replace(
      '"components": null,\n  "component_split_mode": "none",',
      '"components": [\n    {\n      "id": "a",\n      "start": 0,\n      "end": 50\n    },\n    {\n      "id": "b",\n      "start": 50,\n      "end": 60\n    }\n  ],\n  "component_split_mode": "custom",',
    );
    await writeFile(config, split);
    const { model } = await loadCheckpoint(dir);
    const out = path.join(parent, 'split-out');
    await saveCheckpoint(out, model);
    await expectSameFolder(out, dir);
    await saveCheckpoint(path.join(parent, 'split-pruned'), model.prune({ topk: { count: 30 } }).model);
    const pruned = await readFile(path.join(parent, 'split-pruned', 'config.json'), 'utf8');
    expect(pruned).toContain(
      '"components": [\n    {\n      "id": "full",\n      "start": 0,\n      "end": 30\n    }\n  ],\n  "component_split_mode": "custom",\n  "mapping": {',
    );
  });
});
