import type { RewriteBody, RewriteEffect } from '../api/contract';

export type EffectCandidate = RewriteEffect['candidates'][number];
export type Direction = 'strengthen' | 'weaken';

/** One point of the learning-rate × feature-factor grid. */
export interface GridPoint {
  readonly featureFactor: number;
  readonly learningRate: number;
}

/** A stable key for a grid point (URL state, React keys, e2e selectors). */
export function pointKey(p: GridPoint): string {
  return `${p.featureFactor}@${p.learningRate}`;
}

export function parsePointKey(key: string): GridPoint | null {
  const match = /^(-?[0-9.e+-]+)@([0-9.e+-]+)$/.exec(key);
  if (!match) return null;
  const featureFactor = Number(match[1]);
  const learningRate = Number(match[2]);
  return Number.isFinite(featureFactor) && Number.isFinite(learningRate)
    ? { featureFactor, learningRate }
    : null;
}

/** The accuracy a candidate must reach to count: the guard share of the base model's accuracy. */
export function guardCutoff(effect: RewriteEffect): number {
  return effect.accuracy_guard * effect.base.accuracy;
}

export function keepsAccuracy(effect: RewriteEffect, c: EffectCandidate): boolean {
  return c.accuracy >= guardCutoff(effect);
}

/** The directions whose chosen point `p` is (none, one, or both for a degenerate grid). */
export function chosenFor(effect: RewriteEffect, p: GridPoint): Direction[] {
  return (['strengthen', 'weaken'] as const).filter((d) => {
    const s = effect.selection[d];
    return s.learning_rate === p.learningRate && s.feature_factor === p.featureFactor;
  });
}

/** The chosen point of a direction, or null when the grid had none there. */
export function selectedPoint(effect: RewriteEffect, direction: Direction): GridPoint | null {
  const s = effect.selection[direction];
  return s.learning_rate === null ? null : { featureFactor: s.feature_factor, learningRate: s.learning_rate };
}

export function candidateAt(effect: RewriteEffect, p: GridPoint): EffectCandidate | undefined {
  return effect.candidates.find(
    (c) => c.feature_factor === p.featureFactor && c.learning_rate === p.learningRate,
  );
}

/** The mean P(target) on the inputs of class `cls` (NaN when the test set has none of that class). */
export function meanP(e: { mean_probability: Readonly<Record<string, number>> }, cls: number): number {
  return e.mean_probability[String(cls)] ?? Number.NaN;
}

/**
 * The two classes a GRADIEND contrasts, from gradiend_context.json's
 * feature_class_encoding_direction (in its order); null when the context does not name two.
 */
export function contextClasses(context: Readonly<Record<string, unknown>> | null): [number, number] | null {
  const directions = context?.['feature_class_encoding_direction'];
  if (typeof directions !== 'object' || directions === null || Array.isArray(directions)) return null;
  const classes = Object.keys(directions)
    .filter((k) => /^[0-9]+$/.test(k))
    .map(Number);
  return classes.length >= 2 ? [classes[0] as number, classes[1] as number] : null;
}

/** Whether the version's training.json has an input_scale, so learning rates can be scaled by it. */
export function hasInputScale(training: Readonly<Record<string, unknown>> | null): boolean {
  const scale = training?.['input_scale'];
  return typeof scale === 'number' && Number.isFinite(scale) && scale !== 0;
}

/** The rewrite request that stores (or patches) the base model at one grid point of a sweep. */
export function rewriteBodyAt(
  effect: RewriteEffect,
  p: GridPoint,
  options: { latentDim: number; base: string; scaleFromTraining: boolean; output: 'model' | 'patch' },
): RewriteBody {
  return {
    learning_rate: p.learningRate,
    feature_factor: new Array<number>(options.latentDim).fill(p.featureFactor),
    part: effect.part,
    scale_from_training: options.scaleFromTraining,
    base: options.base,
    output: options.output,
  };
}

/** Probabilities and accuracies with six significant digits (the sweep's values differ in the 4th). */
export function formatProbability(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '—';
}
