import { readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractGradients } from '../base-model/extract-gradients.js';
import { MlpModel } from '../base-model/mlp-model.js';
import { loadCheckpoint, readTensorFile } from '../checkpoint/load-checkpoint.js';
import { runOnnx } from '../onnx/testing/run-onnx.js';
import { readSafetensorsHeaderFromFile } from '../safetensors/node.js';
import { digitsPath } from '../test-support/fixtures.js';
import { runJson, tempDir } from '../cli/testing/run-captured.js';
import { ensureBuiltInDemos } from './built-in-demos.js';
import type { BuiltInDemo } from './built-in-demos.js';
import { DIGITS_DEMO_FILES } from './digits-demo.js';

/** Pearson r written out once more, independent of the training code's helper. */
function correlation(x: readonly number[], y: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  const cov = x.reduce((s, xi, i) => s + (xi - mx) * ((y[i] as number) - my), 0);
  const sx = Math.sqrt(x.reduce((s, xi) => s + (xi - mx) ** 2, 0));
  const sy = Math.sqrt(y.reduce((s, yi) => s + (yi - my) ** 2, 0));
  return cov / (sx * sy);
}

interface SampleIndex {
  input_scale: number;
  params: string[];
  feature_class_encoding_direction: Record<string, number>;
  samples: {
    file: string;
    alternative_file: string;
    digit: number;
    label: number;
    encoded_after_input_scale: number;
  }[];
}

describe('the built-in demos (a fresh build)', () => {
  let root: string;
  let demos: BuiltInDemo[];
  let digitsDir: string;
  const log: string[] = [];

  beforeAll(async () => {
    root = path.join(os.tmpdir(), `gradiend-demo-test-${process.pid}-${Date.now()}`);
    demos = await ensureBuiltInDemos(root, (m) => log.push(m));
    digitsDir = demos[0]?.demoDir ?? '';
  }, 240_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports its progress and builds each demo once', async () => {
    expect(log).toContain('digits demo: base MLP trained');
    expect(log).toContain('digits demo: GRADIEND trained');
    const manifest = path.join(digitsDir, DIGITS_DEMO_FILES.manifest);
    const before = (await stat(manifest)).mtimeMs;
    const again = await ensureBuiltInDemos(root, (m) => log.push(m));
    expect(again).toEqual(demos);
    expect((await stat(manifest)).mtimeMs).toBe(before);
    expect(log.at(-1)).not.toMatch(/building/);
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]); // no temp folders left
  });

  it('a base MLP whose ONNX export and safetensors agree, ≥ 90 % accurate on the held-out digits', async () => {
    const test = await readTensorFile(path.join(digitsDir, DIGITS_DEMO_FILES.testSet));
    const pixels = test.get('pixels')?.data as Float32Array;
    const labels = Array.from(test.get('labels')?.data as BigInt64Array, Number);
    const weights = await readTensorFile(path.join(digitsDir, DIGITS_DEMO_FILES.baseWeights));
    const base = new MlpModel({
      layerSizes: [64, 32, 10],
      weights: new Map([...weights].map(([k, t]) => [k, t.data as Float32Array])),
    });
    const onnx = await runOnnx(
      await readFile(path.join(digitsDir, DIGITS_DEMO_FILES.baseOnnx)),
      'pixels',
      pixels,
      [labels.length, 64],
    );
    const ours = base.forward({ inputs: pixels, labels });
    let worst = 0;
    for (let i = 0; i < ours.length; i++)
      worst = Math.max(worst, Math.abs((onnx.data[i] as number) - (ours[i] as number)));
    expect(worst).toBeLessThan(1e-4);
    let correct = 0;
    for (let r = 0; r < labels.length; r++) {
      const row = Array.from(onnx.data.subarray(r * 10, r * 10 + 10));
      if (row.indexOf(Math.max(...row)) === labels[r]) correct++;
    }
    expect(correct / labels.length).toBeGreaterThanOrEqual(0.9);
  });

  it('a GRADIEND whose encoder separates held-out 3s from 8s (r ≥ 0.6), as training.json records', async () => {
    const { model, training, gradiendContext } = await loadCheckpoint(
      path.join(digitsDir, DIGITS_DEMO_FILES.gradiend),
    );
    const direction = (gradiendContext as { feature_class_encoding_direction: Record<string, number> })
      .feature_class_encoding_direction;
    expect(gradiendContext).toEqual({
      source: 'factual',
      target: 'diff',
      feature_class_encoding_direction: { 3: 1, 8: -1 },
    });
    const test = await readTensorFile(path.join(digitsDir, DIGITS_DEMO_FILES.testSet));
    const pixels = test.get('pixels')?.data as Float32Array;
    const labels = Array.from(test.get('labels')?.data as BigInt64Array, Number);
    const weights = await readTensorFile(path.join(digitsDir, DIGITS_DEMO_FILES.baseWeights));
    const base = new MlpModel({
      layerSizes: [64, 32, 10],
      weights: new Map([...weights].map(([k, t]) => [k, t.data as Float32Array])),
    });
    const encoded: number[] = [];
    const signs: number[] = [];
    labels.forEach((digit, r) => {
      if (digit !== 3 && digit !== 8) return;
      base.backward({ inputs: pixels.subarray(r * 64, r * 64 + 64), labels: [digit] });
      encoded.push(model.encode(extractGradients(base, model.paramMap))[0] as number);
      signs.push(direction[String(digit)] as number);
    });
    expect(encoded.length).toBeGreaterThan(300);
    const r = correlation(encoded, signs);
    expect(r).toBeGreaterThanOrEqual(0.6);
    expect((training as { correlation_test: number }).correlation_test).toBeCloseTo(r, 6);
    expect((training as { convergence_info: { converged: boolean } }).convergence_info.converged).toBe(true);
  });

  it('a labeled gradient folder: per-parameter files, labels from the context direction, encodings that reproduce', async () => {
    const dir = path.join(digitsDir, DIGITS_DEMO_FILES.gradients);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as SampleIndex;
    const { model } = await loadCheckpoint(path.join(digitsDir, DIGITS_DEMO_FILES.gradiend));
    expect(index.samples).toHaveLength(48);
    expect(index.params).toEqual(model.paramMap.entries.map((e) => e.name));
    const encoded: number[] = [];
    for (const s of index.samples) {
      expect(s.label).toBe(index.feature_class_encoding_direction[String(s.digit)]);
      const grads = await readTensorFile(path.join(dir, s.file));
      const e = model.encodeDict(
        new Map(
          [...grads].map(([k, t]) => [
            k,
            { shape: t.shape, data: Float32Array.from(t.data as Float32Array, (v) => v / index.input_scale) },
          ]),
        ),
      )[0] as number;
      expect(Math.abs(e - s.encoded_after_input_scale)).toBeLessThan(1e-6);
      encoded.push(e);
    }
    expect(
      correlation(
        encoded,
        index.samples.map((s) => s.label),
      ),
    ).toBeGreaterThanOrEqual(0.6);
    // The folder trains with the reference's full setup (alternative files present).
    const out = await tempDir('demo-train-');
    const r = await runJson<{ training_samples: number; param_map_hash: string }>(
      'train',
      dir,
      '--out',
      out,
      '--source',
      'factual',
      '--target',
      'diff',
      '--lr',
      '1e-3',
      '--max-steps',
      '20',
    );
    expect(r.training_samples).toBe(48);
    expect(r.param_map_hash).toBe(model.paramMapHash());
  });

  it('a BERT-shaped example over all 197 parameters of a shrunk BERT encoder', async () => {
    const bert = demos[1] as BuiltInDemo;
    const { model } = await loadCheckpoint(bert.checkpointDir);
    expect(model.paramMap.entries).toHaveLength(197);
    expect(model.inputDim).toBe(1_714_944);
    expect(model.paramMap.entries[0]?.name).toBe('bert.embeddings.word_embeddings.weight');
  });

  it('mirrors the layout of the reference demo (../shared/demo/digits)', async () => {
    const reference = digitsPath();
    const ours = new Set(await readdir(digitsDir));
    for (const name of await readdir(reference)) {
      // rewrite-reference.json is the reference's rewrite measurement, not part of a demo build.
      if (name !== 'rewrite-reference.json') expect(ours, name).toContain(name);
    }
    const sameHeader = async (a: string, b: string) => {
      const [ha, hb] = await Promise.all([
        readSafetensorsHeaderFromFile(a),
        readSafetensorsHeaderFromFile(b),
      ]);
      return [
        ha.tensors.map((t) => [t.name, t.dtype, t.shape.length]),
        hb.tensors.map((t) => [t.name, t.dtype, t.shape.length]),
      ];
    };
    const [a, b] = await sameHeader(
      path.join(digitsDir, 'base-mlp.safetensors'),
      path.join(reference, 'base-mlp.safetensors'),
    );
    expect(a).toEqual(b);
    const [c, d] = await sameHeader(
      path.join(digitsDir, 'test-digits.safetensors'),
      path.join(reference, 'test-digits.safetensors'),
    );
    expect(c).toEqual(d);
    const [ours0, ref0] = await Promise.all([
      loadCheckpoint(path.join(digitsDir, DIGITS_DEMO_FILES.gradiend)),
      loadCheckpoint(path.join(reference, 'gradiend-digits-3-vs-8')),
    ]);
    expect(ours0.model.paramMapHash()).toBe(ref0.model.paramMapHash());
    expect(ours0.model.architecture).toEqual(ref0.model.architecture);
    expect(ours0.files.map((f) => f.name).sort()).toEqual(ref0.files.map((f) => f.name).sort());
  });
});
