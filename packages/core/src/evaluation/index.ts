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
export { pruningCurve, PrunedEncoder } from './pruning-curve.js';
export { PRUNED_SUM_SAMPLES_PER_PASS } from './pruning-curve-kernels.js';
export type { CurveSample, PruningCurveOptions, PruningCurvePoint } from './pruning-curve.js';
export { pruneGrid, pruneRanking } from './prune-ranking.js';
export type { PruneRanking, PruneRankingOptions, RankingSource } from './prune-ranking.js';
export { parseManifest, MANIFEST_COLUMNS } from './labeled-set-manifest.js';
export type { ManifestRow } from './labeled-set-manifest.js';
