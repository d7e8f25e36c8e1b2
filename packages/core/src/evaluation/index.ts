export { encoderMetrics } from './encoder-metrics.js';
export type {
  EncodedRow,
  EncoderMetrics,
  EncoderMetricsOptions,
  DimensionScores,
  SubsetScores,
} from './encoder-metrics.js';
export type { SplitGeneralization } from './split-generalization.js';
export { scorecardConvergence } from './scorecard-convergence.js';
