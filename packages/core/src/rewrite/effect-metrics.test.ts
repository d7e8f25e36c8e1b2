import { describe, expect, it } from 'vitest';
import { classEffect, selectEffect, strengthenFeatureFactor } from './effect-metrics.js';
import type { EffectCandidate } from './effect-metrics.js';

const base = { accuracy: 0.9, meanProbability: { '3': 0.8, '8': 0.1 } };
const c = (
  featureFactor: number,
  learningRate: number,
  accuracy: number,
  p3: number,
  p8: number,
): EffectCandidate => ({
  featureFactor,
  learningRate,
  accuracy,
  meanProbability: { '3': p3, '8': p8 },
});

describe('selectEffect (the reference policy)', () => {
  it('takes the best shift among candidates that keep ≥ 99 % of the base accuracy, per direction', () => {
    const candidates = [
      c(-1, 1, 0.5, 0.99, 0.9), // biggest shift, but accuracy collapsed
      c(-1, 0.1, 0.895, 0.9, 0.3),
      c(-1, 0.01, 0.9, 0.85, 0.2),
      c(1, 0.1, 0.891, 0.4, 0.01),
      c(1, 0.01, 0.9, 0.7, 0.05),
    ];
    const s = selectEffect(base, candidates, 3, 8, -1);
    expect(s.strengthen.candidate).toBe(candidates[1]);
    expect(s.strengthen.metric).toBe(0.3);
    expect(s.weaken.candidate).toBe(candidates[3]);
    expect(s.weaken.metric).toBeCloseTo(0.6, 12);
  });

  it('falls back to the smallest learning rate when nothing passes the guard', () => {
    const candidates = [c(1, 0.1, 0.5, 0.1, 0.0), c(1, 0.001, 0.8, 0.7, 0.05), c(1, 0.01, 0.7, 0.5, 0.02)];
    const s = selectEffect(base, candidates, 3, 8, -1).weaken;
    expect(s.candidate).toBe(candidates[1]);
    expect(s.reason).toMatch(/smallest learning rate/);
  });
});

describe('classEffect', () => {
  it('computes accuracy and mean softmax P(target) per true class', () => {
    // Two classes of logits, three samples: labels 0, 1, 1.
    const logits = new Float32Array([2, 0, 0, 1, 3, 0]);
    const e = classEffect(logits, [0, 1, 1], 1, [0, 1]);
    const p = (a: number, b: number): number => Math.exp(b) / (Math.exp(a) + Math.exp(b));
    expect(e.accuracy).toBeCloseTo(2 / 3, 12);
    expect(e.meanProbability['0']).toBeCloseTo(p(2, 0), 6);
    expect(e.meanProbability['1']).toBeCloseTo((p(0, 1) + p(3, 0)) / 2, 6);
  });
});

describe('strengthenFeatureFactor', () => {
  it('negates the encoding direction unless the source is alternative', () => {
    const ctx = { source: 'factual', feature_class_encoding_direction: { '3': 1, '8': -1 } };
    expect(strengthenFeatureFactor(ctx, 3)).toBe(-1);
    expect(strengthenFeatureFactor(ctx, 8)).toBe(1);
    expect(strengthenFeatureFactor({ ...ctx, source: 'alternative' }, 3)).toBe(1);
    expect(strengthenFeatureFactor(null, 3)).toBe(1);
  });
});
