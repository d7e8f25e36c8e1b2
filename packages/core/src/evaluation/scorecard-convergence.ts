import { DEFAULT_CONVERGENCE_CRITERIA, judgeEncoderConvergence } from '../training/encoder-evaluation.js';
import type { ConvergenceCriteria, ConvergenceVerdict } from '../training/encoder-evaluation.js';
import type { EncoderMetrics } from './encoder-metrics.js';

/** The trainer's convergence verdict applied to a scorecard (its correlation and class means). */
export function scorecardConvergence(
  metrics: EncoderMetrics,
  criteria: ConvergenceCriteria = DEFAULT_CONVERGENCE_CRITERIA,
): ConvergenceVerdict & { readonly criteria: ConvergenceCriteria } {
  const meanByLabel = new Map(
    Object.entries(metrics.mean_by_class)
      .map(([label, m]) => [Number(label), m] as const)
      .sort((a, b) => a[0] - b[0]),
  );
  return {
    ...judgeEncoderConvergence({ correlation: metrics.correlation, meanByLabel }, criteria),
    criteria,
  };
}
