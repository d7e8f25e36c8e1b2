import { describe, expect, it } from 'vitest';
import { GradientExtractionError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import { extractGradients } from './extract-gradients.js';
import { MlpModel } from './mlp-model.js';
import { paramMapOfModel } from './param-map-of-model.js';

const batch = { inputs: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)), labels: [1, 0, 2] };

function trainedModel(): MlpModel {
  const model = new MlpModel({ layerSizes: [4, 3, 3], seed: 7 });
  model.backward(batch);
  return model;
}

describe('extractGradients', () => {
  it('returns full parameter-shaped copies with returnDict', () => {
    const model = trainedModel();
    const dict = extractGradients(model, paramMapOfModel(model), { returnDict: true });
    expect([...dict.keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    for (const p of model.namedParameters()) {
      const g = dict.get(p.name);
      expect(g?.shape).toEqual(p.shape);
      expect(g?.data).toEqual(p.grad);
      expect(g?.data).not.toBe(p.grad); // a copy, like the reference's clone()
    }
  });

  it('concatenates the selected entries in param-map order (all, mask, indices; empty skipped)', () => {
    const model = trainedModel();
    const mask = new Uint8Array(9);
    mask[1] = mask[5] = mask[8] = 1;
    const map = ParamMap.fromSpecs([
      { name: 'fc2.bias', shape: [3], repr: 'all' },
      { name: 'fc1.weight', shape: [3, 4], repr: 'indices', indices: Int32Array.of(11, 1) },
      { name: 'fc1.bias', shape: [3], repr: 'mask', mask: new Uint8Array(3) },
      { name: 'fc2.weight', shape: [3, 3], repr: 'mask', mask },
    ]);
    const flat = extractGradients(model, map);
    const g = new Map(model.namedParameters().map((p) => [p.name, p.grad as Float32Array]));
    const b2 = g.get('fc2.bias') as Float32Array;
    const w1 = g.get('fc1.weight') as Float32Array;
    const w2 = g.get('fc2.weight') as Float32Array;
    // fc1.weight keeps its two indices in the given (unsorted) order: 2 × 4 bytes < 0.8 × 12.
    expect(map.entry('fc1.weight')?.repr).toBe('indices');
    expect(Array.from(flat)).toEqual([...b2, w1[11], w1[1], w2[1], w2[5], w2[8]]);
    // The dict form keeps full gradients for selected parameters and zeros for empty selections.
    const dict = extractGradients(model, map, { returnDict: true });
    expect(dict.get('fc2.weight')?.data).toEqual(w2);
    expect(Array.from(dict.get('fc1.bias')?.data ?? [])).toEqual([0, 0, 0]);
  });

  it('accepts a DDP-style module. prefix on the param map names', () => {
    const model = trainedModel();
    const map = ParamMap.fromSpecs([{ name: 'module.fc1.bias', shape: [3], repr: 'all' }]);
    expect(extractGradients(model, map)).toEqual(model.namedParameters()[1]?.grad);
  });

  it('names the parameters without gradients', () => {
    const model = new MlpModel({ layerSizes: [4, 3, 3], seed: 7 });
    const run = () => extractGradients(model, paramMapOfModel(model));
    expect(run).toThrow(GradientExtractionError);
    expect(run).toThrow(/'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'.*backward/);
    try {
      run();
    } catch (e) {
      expect((e as GradientExtractionError).reason).toBe('missing-gradient');
      expect((e as GradientExtractionError).params).toEqual([
        'fc1.weight',
        'fc1.bias',
        'fc2.weight',
        'fc2.bias',
      ]);
    }
  });

  it('names a mapped parameter the model does not have, and a shape mismatch', () => {
    const model = trainedModel();
    const unknown = ParamMap.fromSpecs([{ name: 'encoder.weight', shape: [2], repr: 'all' }]);
    expect(() => extractGradients(model, unknown)).toThrow(/'encoder.weight' not found in the base model/);
    const wrong = ParamMap.fromSpecs([{ name: 'fc1.bias', shape: [4], repr: 'all' }]);
    expect(() => extractGradients(model, wrong)).toThrow(/'fc1.bias' has shape \[3\] in the model but \[4\]/);
  });
});
