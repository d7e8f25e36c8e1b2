import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../random/xorshift32.js';
import { MlpModel } from './mlp-model.js';
import type { ClassifierBatch } from './mlp-model.js';

function randomBatch(rows: number, inDim: number, classes: number, seed: number): ClassifierBatch {
  const rng = new Xorshift32(seed);
  const inputs = rng.fill(new Float64Array(rows * inDim), 1);
  const labels = Int32Array.from({ length: rows }, () => rng.nextInt(classes));
  return { inputs, labels };
}

/** Central finite differences of the loss, one parameter entry at a time, in float64. */
function numericGradient(model: MlpModel, batch: ClassifierBatch, name: string, h: number): Float64Array {
  const p = model.namedParameters().find((q) => q.name === name);
  if (!p) throw new Error(name);
  const out = new Float64Array(p.data.length);
  for (let i = 0; i < p.data.length; i++) {
    const v = p.data[i] as number;
    p.data[i] = v + h;
    const up = model.loss(batch);
    p.data[i] = v - h;
    const down = model.loss(batch);
    p.data[i] = v;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

function maxRelativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < numeric.length; i++) scale = Math.max(scale, Math.abs(numeric[i] as number));
  let worst = 0;
  for (let i = 0; i < numeric.length; i++) {
    const a = analytic[i] as number;
    const n = numeric[i] as number;
    // Relative to the entry, with the parameter's largest gradient as the floor for near-zero entries.
    worst = Math.max(worst, Math.abs(a - n) / Math.max(Math.abs(n), 1e-3 * scale, 1e-12));
  }
  return worst;
}

describe('MlpModel backprop', () => {
  it.each([
    ['one hidden layer', [7, 5, 3]],
    ['two hidden layers', [6, 8, 4, 5]],
    ['no hidden layer', [4, 3]],
  ])('matches central finite differences within rel 1e-3 (%s)', (_label, sizes) => {
    const model = new MlpModel({ layerSizes: sizes, dtype: 'float64', seed: 11 });
    const batch = randomBatch(9, sizes[0] as number, sizes[sizes.length - 1] as number, 5);
    const loss = model.backward(batch);
    expect(loss).toBeCloseTo(model.loss(batch), 12);
    for (const p of model.namedParameters()) {
      const numeric = numericGradient(model, batch, p.name, 1e-6);
      expect(maxRelativeError(p.grad as Float64Array, numeric), p.name).toBeLessThan(1e-3);
    }
  });

  it('float32 gradients agree with the float64 finite differences of the same weights', () => {
    const f32 = new MlpModel({ layerSizes: [64, 32, 10], seed: 3 });
    const weights = new Map(f32.namedParameters().map((p) => [p.name, p.data]));
    const f64 = new MlpModel({ layerSizes: [64, 32, 10], dtype: 'float64', weights });
    const batch = randomBatch(4, 64, 10, 9);
    f32.backward(batch);
    for (const p of f32.namedParameters()) {
      if (p.name === 'fc1.weight') continue; // 2,048 entries × 2 forward passes: covered in float64 above
      const numeric = numericGradient(f64, batch, p.name, 1e-6);
      expect(maxRelativeError(p.grad as Float32Array, numeric), p.name).toBeLessThan(1e-3);
    }
  });

  it('computes mean cross-entropy like the closed form for a single sample', () => {
    const model = new MlpModel({ layerSizes: [3, 4], dtype: 'float64', seed: 2 });
    const x = Float64Array.of(0.5, -1, 2);
    const logits = model.forward({ inputs: x, labels: [2] });
    const lse = Math.log([...logits].reduce((s, v) => s + Math.exp(v), 0));
    expect(model.loss({ inputs: x, labels: [2] })).toBeCloseTo(lse - (logits[2] as number), 12);
  });

  it('replaces gradients on each backward and drops them on zeroGrad', () => {
    const model = new MlpModel({ layerSizes: [4, 3, 2], seed: 1 });
    const a = randomBatch(3, 4, 2, 1);
    const b = randomBatch(3, 4, 2, 2);
    model.backward(a);
    const first = Float32Array.from(model.namedParameters()[0]?.grad ?? []);
    model.backward(b);
    model.backward(a);
    expect(Float32Array.from(model.namedParameters()[0]?.grad ?? [])).toEqual(first);
    model.zeroGrad();
    expect(model.namedParameters().every((p) => p.grad === null)).toBe(true);
  });

  it('rejects labels out of range and ragged inputs', () => {
    const model = new MlpModel({ layerSizes: [4, 2], seed: 1 });
    expect(() => model.loss({ inputs: new Float32Array(4), labels: [2] })).toThrow(/label 0 is 2/);
    expect(() => model.loss({ inputs: new Float32Array(5), labels: [0] })).toThrow(/whole number of rows/);
    expect(() => model.loss({ inputs: new Float32Array(8), labels: [0] })).toThrow(
      /2 input rows but 1 labels/,
    );
  });
});
