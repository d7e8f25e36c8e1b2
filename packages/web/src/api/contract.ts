/**
 * The server's HTTP contract: types come from the API's schemas (`import type`, erased from the
 * bundle), the few lists the UI offers as choices from its vocabulary and the core. Nothing here
 * restates a shape the server defines.
 */
export type {
  AuditList,
  BaseModel,
  BaseModelList,
  CompareResponse as CompareResult,
  CrossEncodingBody,
  CrossEncodingResponse,
  DeletedVersions,
  DuplicateVersion,
  EncodeResult,
  EvaluationResponse,
  Heatmap,
  HeatmapAgg as Agg,
  Histogram,
  HistogramScale,
  ImportancePart as Part,
  Job,
  JobList,
  JobState,
  LabeledSet,
  LabeledSetList,
  Model,
  ModelDetail,
  ModelList,
  ModelSort,
  ParamRow,
  ParamsResponse,
  PrunePreview,
  PruneResult,
  PruneWithTargetBody as PruneBody,
  PruningCurveResponse,
  RewriteBody,
  RewriteEffect,
  RewriteEffectBody,
  SimilarityMatrixBody,
  SimilarityMatrixResponse,
  TopkResponse,
  Version,
} from '@gradiend/api/schemas';
import type { ProblemFields } from '@gradiend/api/schemas';

export {
  ANALYSIS_JOB_KIND,
  HEATMAP_AGGS as AGGS,
  HISTOGRAM_SCALES,
  LABELED_SET_NAME_PATTERN,
  MAX_CROSS_ENCODING_SIDE,
  MODEL_SORTS,
} from '@gradiend/api/vocabulary';
export {
  CROSS_ENCODING_METRICS,
  DISPERSIONS,
  IMPORTANCE_PARTS as PARTS,
  REWRITE_PARTS,
  SEED_AGGREGATES,
  SIMILARITY_MEASURES,
} from '@gradiend/core';
export type { RewritePart } from '@gradiend/core';

/** A problem document: the server's, or one the client makes up for a network failure (no code). */
export type Problem = Omit<ProblemFields, 'code'> & { code?: string; [extra: string]: unknown };
