/**
 * The HTTP contract as TypeScript types, derived from the route schemas (`Static<>`). Type-only on
 * purpose: clients (the web app) import it as `@gradiend/api/schemas` with `import type`, which
 * the bundler erases, so no server code or TypeBox reaches them. Values clients need at runtime
 * (lists of names, patterns) are in `@gradiend/api/vocabulary`.
 */
export type {
  CompareResponse,
  Heatmap,
  Histogram,
  ImportanceResponse,
  ParamRow,
  ParamsResponse,
  SelectionOverlap,
  TopkResponse,
  TopkRow,
} from './analysis.js';
export type { CreatedToken, Token, TokenList } from './admin.js';
export type { DecodeBody, EncodeResult } from './encode.js';
export type {
  EvaluationResponse,
  LabeledSampleJson as LabeledSample,
  LabeledSetDetailJson as LabeledSetDetail,
  LabeledSetJson as LabeledSet,
  LabeledSetListJson as LabeledSetList,
  PruningCurvePoint,
  PruningCurveResponse,
} from './evaluation.js';
export type { Job, JobList } from './jobs.js';
export type { PruneBody, PruneOutcome, PrunePreview, PruneResult, PruneWithTargetBody } from './prune.js';
export type {
  Alias,
  AuditEntry,
  AnalysisStatus,
  AuditList,
  CheckpointSummary,
  DeletedVersions,
  DuplicateVersion,
  LatestSummary,
  Model,
  ModelDetail,
  ModelList,
  ParamSummary,
  PartStatus,
  Version,
  VersionDetail,
  VersionList,
} from './registry.js';
export type { BaseModel, BaseModelList, RewriteBody, RewriteEffect, RewriteEffectBody } from './rewrite.js';
export type { Health } from './system.js';
export type { SimilarityMatrixBody, SimilarityMatrixResponse } from './similarity.js';
export type { TopkInput } from './topk.js';
export type { Problem, ProblemFields } from '../errors/problem.js';
export type { ImportancePart } from '@gradiend/core';
export type {
  AnalysisState,
  GraphKind,
  HeatmapAgg,
  HistogramScale,
  JobState,
  ModelSort,
  PrunePreviewMethod,
  Role,
} from './vocabulary.js';
