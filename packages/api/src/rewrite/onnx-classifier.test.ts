import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EFFECT_LEARNING_RATES,
  openGradiendWeightSource,
  readInputScale,
  readSafetensorsBuffer,
  runEffectSweep,
  strengthenFeatureFactor,
} from '@gradiend/core/node';
import { onnxClassifier } from './onnx-classifier.js';
import type { LabeledSet } from './onnx-classifier.js';
import { DIGITS_DIR } from '../test-support/fixtures.js';

interface ReferenceEntry {
  mean_p3_on_3s: number;
  mean_p3_on_8s: number;
  accuracy_all: number;
}

async function digitsTestSet(): Promise<LabeledSet> {
  const t = readSafetensorsBuffer(
    new Uint8Array(await readFile(path.join(DIGITS_DIR, 'test-digits.safetensors'))),
  );
  const pixels = t.get('pixels');
  const labels = t.get('labels');
  if (pixels?.dtype !== 'F32' || labels?.dtype !== 'I64') throw new Error('unexpected test set');
  return {
    inputs: pixels.data as Float32Array,
    rows: pixels.shape[0] as number,
    labels: Int32Array.from(labels.data as BigInt64Array, Number),
  };
}

function rel(a: number, e: number): number {
  return Math.abs(a - e) / Math.max(Math.abs(e), 1e-12);
}

describe('rewrite effect sweep on the digits demo (onnxruntime-node)', () => {
  it('reproduces the reference rewrite-reference.json over the reference grid and selects by its policy', async () => {
    const reference = JSON.parse(await readFile(path.join(DIGITS_DIR, 'rewrite-reference.json'), 'utf8')) as {
      results: Record<string, ReferenceEntry>;
    };
    const gradiendDir = path.join(DIGITS_DIR, 'gradiend-digits-3-vs-8');
    const context = JSON.parse(
      await readFile(path.join(gradiendDir, 'gradiend_context.json'), 'utf8'),
    ) as unknown;
    const classifier = onnxClassifier(
      await readFile(path.join(DIGITS_DIR, 'base-mlp.onnx')),
      await digitsTestSet(),
      3,
      [3, 8],
    );
    const source = await openGradiendWeightSource(gradiendDir);
    const progress: number[] = [];
    const sweep = await runEffectSweep(source, classifier.weights, (r) => classifier.evaluate(r), {
      target: 3,
      other: 8,
      strengthenFactor: strengthenFeatureFactor(context, 3),
      inputScale: (await readInputScale(gradiendDir)) ?? 1,
      onProgress: (done) => progress.push(done),
    });
    await source.close();
    expect(sweep.candidates).toHaveLength(EFFECT_LEARNING_RATES.length * 2);
    expect(progress.at(-1)).toBe(1 + sweep.candidates.length);

    const compared: string[] = [];
    for (const [key, want] of Object.entries(reference.results)) {
      const got =
        key === 'base'
          ? sweep.base
          : sweep.candidates.find(
              (c) => key === `feature_factor=${c.featureFactor.toFixed(1)},learning_rate=${c.learningRate}`,
            );
      expect(got, key).toBeDefined();
      if (!got) continue;
      // The reference's accuracy is a float32 mean of 0/1 values: exact after the same rounding.
      expect(Math.fround(got.accuracy), `${key} accuracy`).toBe(want.accuracy_all);
      expect(rel(got.meanProbability['3'] as number, want.mean_p3_on_3s), `${key} P(3) on 3s`).toBeLessThan(
        1e-4,
      );
      expect(rel(got.meanProbability['8'] as number, want.mean_p3_on_8s), `${key} P(3) on 8s`).toBeLessThan(
        1e-4,
      );
      compared.push(key);
    }
    expect(compared).toHaveLength(Object.keys(reference.results).length);

    // Strengthening 3 (feature factor −1 here) raises P(3) on 8s; the guard keeps accuracy ≥ 99 %.
    const { strengthen, weaken } = sweep.selection;
    expect(strengthen.featureFactor).toBe(-1);
    expect(weaken.featureFactor).toBe(1);
    for (const s of [strengthen, weaken]) {
      const pool = sweep.candidates.filter((c) => c.featureFactor === s.featureFactor);
      const passing = pool.filter((c) => c.accuracy >= 0.99 * sweep.base.accuracy);
      const metric = (c: (typeof pool)[number]): number =>
        s.direction === 'strengthen'
          ? (c.meanProbability['8'] as number)
          : 1 - (c.meanProbability['3'] as number);
      if (passing.length > 0) expect(s.metric).toBe(Math.max(...passing.map(metric)));
      else expect(s.candidate?.learningRate).toBe(Math.min(...pool.map((c) => c.learningRate)));
      expect(s.reason.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
