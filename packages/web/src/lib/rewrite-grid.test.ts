import { describe, expect, it } from 'vitest';
import {
  candidateAt,
  chosenFor,
  contextClasses,
  formatProbability,
  guardCutoff,
  hasInputScale,
  keepsAccuracy,
  parsePointKey,
  pointKey,
  rewriteBodyAt,
  selectedPoint,
} from './rewrite-grid';
import { rewriteEffect, sweepPoint } from '../test-support/rewrite-effect';

const candidate = (ff: number, lr: number, accuracy: number) => sweepPoint(ff, lr, 0.5, 0.1, accuracy);

const effect = rewriteEffect({
  input_scale: 1,
  learning_rates: [1, 0.1],
  base: { accuracy: 0.8, mean_probability: { '3': 0.9, '8': 0.01 } },
  // 0.792 = 0.99 · 0.8 exactly at the cut, 0.7919 just below.
  candidates: [
    candidate(1, 1, 0.7919),
    candidate(1, 0.1, 0.792),
    candidate(-1, 1, 0.5),
    candidate(-1, 0.1, 0.8),
  ],
  selection: {
    strengthen: { direction: 'strengthen', feature_factor: -1, learning_rate: 0.1, metric: 0.1, reason: 'r' },
    weaken: { direction: 'weaken', feature_factor: 1, learning_rate: null, metric: null, reason: 'none' },
  },
});

describe('rewrite grid helpers', () => {
  it('keeps a candidate at exactly the guard share of the base accuracy, not below', () => {
    expect(guardCutoff(effect)).toBeCloseTo(0.792, 12);
    const at = candidateAt(effect, { featureFactor: 1, learningRate: 0.1 });
    const below = candidateAt(effect, { featureFactor: 1, learningRate: 1 });
    expect(at && keepsAccuracy(effect, at)).toBe(true);
    expect(below && keepsAccuracy(effect, below)).toBe(false);
  });

  it('names the chosen points per direction, and none where the grid had none', () => {
    expect(selectedPoint(effect, 'strengthen')).toEqual({ featureFactor: -1, learningRate: 0.1 });
    expect(selectedPoint(effect, 'weaken')).toBeNull();
    expect(chosenFor(effect, { featureFactor: -1, learningRate: 0.1 })).toEqual(['strengthen']);
    expect(chosenFor(effect, { featureFactor: 1, learningRate: 0.1 })).toEqual([]);
  });

  it('round-trips point keys, including small and negative values, and refuses others', () => {
    for (const p of [
      { featureFactor: -1, learningRate: 0.001 },
      { featureFactor: 1, learningRate: 100 },
      { featureFactor: 1, learningRate: 1e-7 },
    ]) {
      expect(parsePointKey(pointKey(p))).toEqual(p);
    }
    expect(parsePointKey('x@1')).toBeNull();
    expect(parsePointKey('')).toBeNull();
  });

  it('reads the two contrasted classes from gradiend_context.json in its order', () => {
    expect(contextClasses({ feature_class_encoding_direction: { '3': 1, '8': -1 } })).toEqual([3, 8]);
    expect(contextClasses({ feature_class_encoding_direction: { '3': 1 } })).toBeNull();
    expect(contextClasses(null)).toBeNull();
  });

  it('scales by training only when training.json has an input_scale', () => {
    expect(hasInputScale({ input_scale: 0.02 })).toBe(true);
    expect(hasInputScale({ input_scale: 0 })).toBe(false);
    expect(hasInputScale({})).toBe(false);
    expect(hasInputScale(null)).toBe(false);
  });

  it('builds the rewrite body of a point: one feature factor per latent neuron, the sweep part', () => {
    expect(
      rewriteBodyAt(
        { ...effect, part: 'decoder-weight' },
        { featureFactor: -1, learningRate: 0.01 },
        { latentDim: 3, base: 'b'.repeat(64), scaleFromTraining: true, output: 'patch' },
      ),
    ).toEqual({
      learning_rate: 0.01,
      feature_factor: [-1, -1, -1],
      part: 'decoder-weight',
      scale_from_training: true,
      base: 'b'.repeat(64),
      output: 'patch',
    });
  });

  it('formats probabilities to six significant digits', () => {
    expect(formatProbability(0.8703011870384216)).toBe('0.870301');
    expect(formatProbability(0.00016887170204427093)).toBe('0.000168872');
    expect(formatProbability(Number.NaN)).toBe('—');
  });
});
