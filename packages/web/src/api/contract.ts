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
  Heatmap,
  HeatmapAgg as Agg,
  Histogram,
  HistogramScale,
  ImportancePart as Part,
  Job,
  JobList,
  JobState,
  Model,
  ModelDetail,
  ModelList,
  ModelSort,
  ParamRow,
  ParamsResponse,
  PrunePreview,
  PruneResult,
  PruneWithTargetBody as PruneBody,
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

/*
 * Stand-ins for the labeled-set / evaluation / pruning-curve shapes of packages/api/src/schemas/
 * evaluation.ts, until its types.ts re-exports them (requested from the eval-api branch): same names
 * as that export will use, so contract.test.ts flags them the moment the re-export lands — then
 * replace this block by `LabeledSet`, `LabeledSetDetail`, `EvaluationResponse`,
 * `PruningCurveResponse` in the list above. Only the fields the dashboard reads.
 */
export interface LabeledSet {
  name: string;
  model: string;
  description: string;
  root_version: number;
  format: 'per-sample' | 'batched';
  n_samples: number;
  input_dim: number;
  dtype: string;
  label_counts: Record<string, number>;
  content_sha256: string;
  bytes: number;
  created_at: string;
  created_by: string;
}
interface LabeledSample {
  index: number;
  file?: string;
  row?: number;
  label: number;
  type?: string;
  source_id?: string;
  target_id?: string;
  data_split?: string;
}
export interface EvaluationResponse {
  model: string;
  version: number;
  set: string;
  root_version: number;
  input_scale: number;
  latent_dim: number;
  /** The reference's scorecard (the core's EncoderMetrics, reference keys). */
  metrics: Record<string, unknown>;
  convergence: {
    converged: boolean;
    min_target_class_abs_mean: number | null;
    reason: string | null;
    criteria: { score_threshold: number; mean_by_class_threshold: number | null };
  };
  samples: (LabeledSample & { encoded: number[] })[];
}
interface SubsetScores {
  correlation: number;
  accuracy: number;
}
export interface PruningCurveResponse {
  model: string;
  version: number;
  set: string;
  root_version: number;
  part: string;
  input_dim: number;
  input_scale: number;
  unpruned: { correlation: number; mean_by_class: Record<string, number> };
  points: {
    k: number;
    kept_dims: number;
    correlation: number;
    accuracy: number;
    all_data: SubsetScores;
    training_only: SubsetScores;
    target_classes_only: SubsetScores;
    mean_by_class: Record<string, number>;
    encoded: number[][];
  }[];
}

/** A problem document: the server's, or one the client makes up for a network failure (no code). */
export type Problem = Omit<ProblemFields, 'code'> & { code?: string; [extra: string]: unknown };
