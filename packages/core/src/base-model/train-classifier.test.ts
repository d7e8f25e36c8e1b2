import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../random/xorshift32.js';
import { MlpModel } from './mlp-model.js';
import { trainClassifier } from './train-classifier.js';

/** Three Gaussian-ish blobs in 4-D: class c is centred on the c-th axis. */
function blobs(rows: number, seed: number): { inputs: Float32Array; labels: Int32Array } {
  const r = new Xorshift32(seed);
  const inputs = new Float32Array(rows * 4);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let j = 0; j < 4; j++) inputs[i * 4 + j] = (j === c ? 2 : 0) + (r.nextFloat() - 0.5);
  }
  return { inputs, labels };
}

describe('trainClassifier', () => {
  it('learns separable classes and is deterministic for its seeds', () => {
    const data = blobs(300, 1);
    const run = () => {
      const model = new MlpModel({ layerSizes: [4, 8, 3], seed: 5 });
      const losses: number[] = [];
      trainClassifier(model, {
        ...data,
        epochs: 15,
        batchSize: 16,
        learningRate: 1e-2,
        seed: 9,
        onEpoch: (_, l) => losses.push(l),
      });
      return { model, losses };
    };
    const a = run();
    const b = run();
    expect(a.losses).toEqual(b.losses);
    expect(a.model.namedParameters().map((p) => Array.from(p.data))).toEqual(
      b.model.namedParameters().map((p) => Array.from(p.data)),
    );
    expect(a.losses.at(-1)).toBeLessThan((a.losses[0] as number) / 4);
    const test = blobs(90, 2);
    const predicted = a.model.predict(test.inputs);
    const correct = predicted.filter((p, i) => p === test.labels[i]).length;
    expect(correct / 90).toBeGreaterThan(0.95);
  });
});
