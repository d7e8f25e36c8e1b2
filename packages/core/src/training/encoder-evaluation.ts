/** Pearson r of two equally long series; 0 when either is constant (as the reference reports it). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`series differ in length: ${n} vs ${y.length}`);
  if (n === 0) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  return sxy / Math.sqrt(sxx * syy);
}

/** Mean of `values` per distinct label, keyed by the label; labels in ascending order. */
export function meanByLabel(values: ArrayLike<number>, labels: ArrayLike<number>): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const s = sums.get(label) ?? { sum: 0, n: 0 };
    s.sum += values[i] as number;
    s.n += 1;
    sums.set(label, s);
  }
  return new Map([...sums].sort((a, b) => a[0] - b[0]).map(([k, s]) => [k, s.sum / s.n]));
}

export interface ConvergenceCriteria {
  /** Minimum |correlation| (the reference's convergent_score_threshold, default 0.5). */
  readonly scoreThreshold: number;
  /** Minimum |mean encoding| of each non-neutral class (convergent_mean_by_class_threshold, default 0.5). */
  readonly meanByClassThreshold: number | null;
}

export interface ConvergenceVerdict {
  readonly converged: boolean;
  /** Smallest |mean| over the non-zero labels, or null without such labels. */
  readonly minTargetClassAbsMean: number | null;
  /** Why it did not converge, or null. */
  readonly reason: string | null;
}

/** The reference's default convergence thresholds (convergent_score_threshold, convergent_mean_by_class_threshold). */
export const DEFAULT_CONVERGENCE_CRITERIA: ConvergenceCriteria = {
  scoreThreshold: 0.5,
  meanByClassThreshold: 0.5,
};

/**
 * The reference's single-seed convergence test at the best checkpoint: it must come after step 0,
 * and pass {@link judgeEncoderConvergence}.
 */
export function judgeConvergence(
  best: {
    readonly step: number;
    readonly correlation: number;
    readonly meanByLabel: ReadonlyMap<number, number>;
  } | null,
  criteria: ConvergenceCriteria,
): ConvergenceVerdict {
  if (!best || best.step <= 0) {
    return {
      converged: false,
      minTargetClassAbsMean: null,
      reason: 'the best checkpoint is the initial (step 0) model',
    };
  }
  return judgeEncoderConvergence(best, criteria);
}

/**
 * The convergence rule on one set of encodings (the trainer's and the scorecard's one source):
 * |correlation| ≥ the threshold, every non-neutral class mean reaches the mean threshold, and the
 * two target classes are encoded with opposite signs.
 */
export function judgeEncoderConvergence(
  scores: { readonly correlation: number; readonly meanByLabel: ReadonlyMap<number, number> },
  criteria: ConvergenceCriteria,
): ConvergenceVerdict {
  const targets = [...scores.meanByLabel].filter(([label]) => label !== 0).map(([, mean]) => mean);
  const minAbs = targets.length ? Math.min(...targets.map(Math.abs)) : null;
  if (Math.abs(scores.correlation) < criteria.scoreThreshold) {
    return {
      converged: false,
      minTargetClassAbsMean: minAbs,
      reason: `|correlation| ${Math.abs(scores.correlation).toFixed(4)} < ${criteria.scoreThreshold}`,
    };
  }
  if (criteria.meanByClassThreshold !== null && (minAbs === null || minAbs < criteria.meanByClassThreshold)) {
    return {
      converged: false,
      minTargetClassAbsMean: minAbs,
      reason: `min |class mean| ${minAbs?.toFixed(4) ?? 'n/a'} < ${criteria.meanByClassThreshold}`,
    };
  }
  const product = targets.length === 2 ? (targets[0] as number) * (targets[1] as number) : null;
  if (product === null || !(product < 0)) {
    return {
      converged: false,
      minTargetClassAbsMean: minAbs,
      reason: 'the two target classes are not encoded with opposite signs',
    };
  }
  return { converged: true, minTargetClassAbsMean: minAbs, reason: null };
}
