import type { RewriteEffect } from '../api/contract';

/** One point of a digits-style sweep: P(3) on 3s, P(3) on 8s and the accuracy. */
export function sweepPoint(
  featureFactor: number,
  learningRate: number,
  p3: number,
  p8: number,
  accuracy: number,
) {
  return {
    feature_factor: featureFactor,
    learning_rate: learningRate,
    accuracy,
    mean_probability: { '3': p3, '8': p8 },
  };
}

/** A 3-vs-8 decoder sweep over ±1 with the 99 % guard; tests give the grid, base and choices. */
export function rewriteEffect(
  patch: Pick<RewriteEffect, 'input_scale' | 'learning_rates' | 'base' | 'candidates' | 'selection'>,
): RewriteEffect {
  return { target: 3, other: 8, part: 'decoder', feature_factors: [1, -1], accuracy_guard: 0.99, ...patch };
}
