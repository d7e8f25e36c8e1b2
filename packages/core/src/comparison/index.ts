export { similarityMatrix, SIMILARITY_MEASURES } from './similarity-matrix.js';
export type {
  SimilarityMatrix,
  SimilarityModels,
  SimilarityOptions,
  SimilarityMeasure,
} from './similarity-matrix.js';
export { groupedSimilarityMatrices, groupOfParam } from './grouped-similarity.js';
export type { GroupBy, GroupSimilarity, GroupedSimilarityOptions } from './grouped-similarity.js';
export { SEED_AGGREGATES, DISPERSIONS } from './seed-aggregation.js';
export type { CellStats, SeedAggregate, Dispersion } from './seed-aggregation.js';
export { SpaceProjection } from './project-space.js';
export { assertSameParamSpace } from './model-coordinates.js';
export type { ParamSpace } from './model-coordinates.js';
export {
  CROSS_ENCODING_METRICS,
  crossEncodingMatrix,
  crossEncodingScore,
  normalizeRowsByDiagonal,
} from './cross-encoding.js';
export type {
  CrossEncodingMatrix,
  CrossEncodingMetric,
  CrossEncodingOptions,
  EncodedLabeledRows,
} from './cross-encoding.js';
