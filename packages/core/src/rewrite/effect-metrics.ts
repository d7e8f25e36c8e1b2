// Browser-safe: how a rewrite's effect is measured and chosen (no file or runtime access).
import type { RewritePart } from './rewrite-part.js';

/** The reference's learning-rate grid for judging a rewrite, largest first. */
export const EFFECT_LEARNING_RATES: readonly number[] = [
  100, 50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001,
];
/** Directions tried: the feature factor on every latent neuron. */
export const EFFECT_FEATURE_FACTORS: readonly number[] = [1, -1];
/** A candidate counts only if it keeps this share of the base model's accuracy (the reference's policy). */
export const ACCURACY_GUARD = 0.99;

/** What a (rewritten) classifier does on the labeled set. */
export interface ClassEffect {
  /** Share of all inputs whose argmax is their label. */
  readonly accuracy: number;
  /** True class → mean probability of the target class over that class's inputs. */
  readonly meanProbability: Readonly<Record<string, number>>;
}

export interface EffectCandidate extends ClassEffect {
  readonly featureFactor: number;
  readonly learningRate: number;
}

export interface EffectSelection {
  /** strengthen: push the other class's inputs toward the target; weaken: push the target's away. */
  readonly direction: 'strengthen' | 'weaken';
  readonly featureFactor: number;
  /** The chosen point, or null when the grid has none in this direction. */
  readonly candidate: EffectCandidate | null;
  /** The maximised quantity: P(target) on the other class (strengthen) or 1 − P(target) on the target. */
  readonly metric: number | null;
  readonly reason: string;
}

export interface EffectSweepResult {
  readonly target: number;
  readonly other: number;
  readonly part: RewritePart;
  readonly inputScale: number;
  readonly learningRates: readonly number[];
  readonly featureFactors: readonly number[];
  readonly base: ClassEffect;
  readonly candidates: readonly EffectCandidate[];
  readonly selection: { readonly strengthen: EffectSelection; readonly weaken: EffectSelection };
}

/**
 * Accuracy and, per class in `classes`, the mean softmax probability of `target` over the inputs
 * labeled with that class. `logits` is [labels.length, numClasses] row-major.
 */
export function classEffect(
  logits: Float32Array,
  labels: ArrayLike<number>,
  target: number,
  classes: readonly number[],
): ClassEffect {
  const n = labels.length;
  const k = logits.length / n;
  if (!Number.isInteger(k) || k <= target)
    throw new RangeError(`logits of ${logits.length} values do not fit ${n} labels`);
  let correct = 0;
  const sums = new Map<number, { sum: number; count: number }>(classes.map((c) => [c, { sum: 0, count: 0 }]));
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let best = 0;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = logits[o + j] as number;
      if (v > max) {
        max = v;
        best = j;
      }
    }
    const label = labels[r] as number;
    if (best === label) correct++;
    const acc = sums.get(label);
    if (acc) {
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp((logits[o + j] as number) - max);
      acc.sum += Math.exp((logits[o + target] as number) - max) / z;
      acc.count++;
    }
  }
  const meanProbability: Record<string, number> = {};
  for (const [c, { sum, count }] of sums) meanProbability[String(c)] = count === 0 ? NaN : sum / count;
  return { accuracy: correct / n, meanProbability };
}

/**
 * The feature factor that strengthens `cls`, from gradiend_context.json: the negated
 * `feature_class_encoding_direction[cls]`, unnegated for source 'alternative' (the reference's
 * rule); 1 when the context does not say.
 */
export function strengthenFeatureFactor(context: unknown, cls: number | string): number {
  const ctx = (context ?? {}) as {
    source?: unknown;
    feature_class_encoding_direction?: Record<string, unknown>;
  };
  const direction = ctx.feature_class_encoding_direction?.[String(cls)];
  if (typeof direction !== 'number' || direction === 0) return 1;
  return ctx.source === 'alternative' ? direction : -direction;
}

function select(
  direction: 'strengthen' | 'weaken',
  featureFactor: number,
  base: ClassEffect,
  candidates: readonly EffectCandidate[],
  metricOf: (c: ClassEffect) => number,
  what: string,
): EffectSelection {
  const pool = candidates.filter((c) => c.featureFactor === featureFactor);
  const cutoff = ACCURACY_GUARD * base.accuracy;
  const passing = pool.filter((c) => c.accuracy >= cutoff);
  const guard = `accuracy ≥ ${ACCURACY_GUARD * 100} % of the base's ${base.accuracy.toFixed(4)}`;
  if (passing.length > 0) {
    // The first maximum in grid order, like Python's max().
    let best = passing[0] as EffectCandidate;
    for (const c of passing) if (metricOf(c) > metricOf(best)) best = c;
    return {
      direction,
      featureFactor,
      candidate: best,
      metric: metricOf(best),
      reason: `highest ${what} among the ${passing.length} of ${pool.length} candidates with ${guard}`,
    };
  }
  const nonZero = pool.filter((c) => c.learningRate !== 0);
  if (nonZero.length === 0) {
    return {
      direction,
      featureFactor,
      candidate: null,
      metric: null,
      reason: 'no candidate in this direction',
    };
  }
  let smallest = nonZero[0] as EffectCandidate;
  for (const c of nonZero) if (Math.abs(c.learningRate) < Math.abs(smallest.learningRate)) smallest = c;
  return {
    direction,
    featureFactor,
    candidate: smallest,
    metric: metricOf(smallest),
    reason: `no candidate keeps ${guard}; the smallest learning rate instead`,
  };
}

/** The reference's selection: per direction, the best shift among candidates that pass the accuracy guard. */
export function selectEffect(
  base: ClassEffect,
  candidates: readonly EffectCandidate[],
  target: number,
  other: number,
  strengthenFactor: number,
): { strengthen: EffectSelection; weaken: EffectSelection } {
  const t = String(target);
  const o = String(other);
  return {
    strengthen: select(
      'strengthen',
      strengthenFactor,
      base,
      candidates,
      (c) => c.meanProbability[o] as number,
      `P(${t}) on ${o}s`,
    ),
    weaken: select(
      'weaken',
      -strengthenFactor,
      base,
      candidates,
      (c) => 1 - (c.meanProbability[t] as number),
      `1 − P(${t}) on ${t}s`,
    ),
  };
}
