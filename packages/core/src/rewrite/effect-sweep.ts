import type { Tensor } from '../tensor/tensor.js';
import { selectEffect } from './effect-metrics.js';
import { EFFECT_FEATURE_FACTORS, EFFECT_LEARNING_RATES } from './effect-metrics.js';
import type { ClassEffect, EffectCandidate, EffectSweepResult } from './effect-metrics.js';
import type { GradiendWeightSource } from './gradiend-weight-source.js';
import type { RewritePart } from './rewrite-part.js';
import { rewriteTensors } from './rewrite-tensors.js';

export interface EffectSweepOptions {
  readonly target: number;
  readonly other: number;
  /** Feature factor that strengthens the target (see strengthenFeatureFactor). */
  readonly strengthenFactor: number;
  readonly part?: RewritePart;
  /** Multiplies every learning rate (training.json's input_scale for GRADIENDs trained on scaled gradients). */
  readonly inputScale?: number;
  readonly learningRates?: readonly number[];
  readonly featureFactors?: readonly number[];
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Rewrites the base weights for every learning rate × feature factor of the grid and measures
 * each with `evaluate` (which runs the base model with the given tensors replaced; an empty map is
 * the base itself), then selects like the reference.
 */
export async function runEffectSweep(
  source: GradiendWeightSource,
  baseTensors: ReadonlyMap<string, Tensor>,
  evaluate: (replaced: ReadonlyMap<string, Tensor>) => Promise<ClassEffect>,
  options: EffectSweepOptions,
): Promise<EffectSweepResult> {
  const learningRates = options.learningRates ?? EFFECT_LEARNING_RATES;
  const featureFactors = options.featureFactors ?? EFFECT_FEATURE_FACTORS;
  const inputScale = options.inputScale ?? 1;
  const part = options.part ?? 'decoder';
  const L = source.architecture.latentDim;
  const total = 1 + learningRates.length * featureFactors.length;
  const base = await evaluate(new Map());
  options.onProgress?.(1, total);
  const candidates: EffectCandidate[] = [];
  for (const featureFactor of featureFactors) {
    for (const learningRate of learningRates) {
      const replaced = await rewriteTensors(source, baseTensors, {
        learningRate: learningRate * inputScale,
        featureFactor: new Array<number>(L).fill(featureFactor),
        part,
      });
      candidates.push({ featureFactor, learningRate, ...(await evaluate(replaced)) });
      options.onProgress?.(1 + candidates.length, total);
    }
  }
  return {
    target: options.target,
    other: options.other,
    part,
    inputScale,
    learningRates,
    featureFactors,
    base,
    candidates,
    selection: selectEffect(base, candidates, options.target, options.other, options.strengthenFactor),
  };
}
