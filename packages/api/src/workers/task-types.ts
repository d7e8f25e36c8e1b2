import type { CheckpointSummary } from '../storage/metadata-store.js';
import type { CompareResult } from '../analysis/compare.js';
import type { GroupSimilarity, SimilarityMatrix } from '@gradiend/core';
import type { TopkSpec } from '../schemas/topk.js';

export type ImportancePart = 'decoder-weight' | 'encoder-weight' | 'decoder-bias' | 'decoder-sum';
export const IMPORTANCE_PARTS: readonly ImportancePart[] = [
  'decoder-weight',
  'encoder-weight',
  'decoder-bias',
  'decoder-sum',
];

/** A checked-out version: `dir` holds its files, `key` identifies its content (for worker caches). */
export interface ModelHandle {
  readonly dir: string;
  readonly key: string;
}

export interface ParamRow {
  readonly name: string;
  shape: number[];
  readonly numel: number;
  readonly repr: 'all' | 'mask' | 'indices';
  readonly selected: number;
  readonly coverage: number;
  readonly stored_bytes: number;
  readonly importance_sum: number;
  readonly importance_max: number | null;
  readonly importance_mean: number | null;
}

export interface HistogramResult {
  readonly part: ImportancePart;
  readonly scale: 'linear' | 'log';
  readonly bins: number;
  readonly edges: number[];
  readonly counts: number[];
  readonly total: number;
  readonly zeros: number;
  readonly non_finite: number;
  readonly below_range: number;
  readonly above_range: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly range: readonly [number, number] | null;
  readonly quantiles: Readonly<Record<string, number>>;
}

export interface HeatmapResult {
  readonly param: string;
  readonly part: ImportancePart;
  readonly shape: readonly number[];
  /** The shape the heatmap lays out: [rows, cols] of the parameter viewed as a matrix. */
  readonly matrix_shape: readonly [number, number];
  readonly rows: number;
  readonly cols: number;
  readonly row_bin: number;
  readonly col_bin: number;
  readonly agg: 'max' | 'mean' | 'sum';
  readonly values: (number | null)[][];
  readonly coverage: number[][];
  readonly min: number | null;
  readonly max: number | null;
}

export interface TopkRow {
  readonly rank: number;
  readonly importance: number;
  readonly local_index: number;
  readonly base_global_index: number;
  readonly param: string;
  readonly flat_index: number;
  coords: number[];
  param_shape: number[];
}

/** Prune arguments in the API's snake_case, as accepted by prune/preview and prune. */
export interface PruneRequest {
  readonly topk?: TopkSpec;
  readonly threshold?: number;
  readonly part?: ImportancePart;
  readonly mask?: readonly number[];
  readonly keep_idx?: readonly number[];
}

/** POST /compare/matrix options in the API's snake_case (the reference's argument names). */
export interface SimilarityRequest {
  readonly measure?: string;
  readonly part?: string;
  readonly topk?: TopkSpec;
  readonly value?: string;
  readonly seed_aggregate?: string;
  readonly dispersion?: string;
  /** 'param', 'layer' or 'component': one matrix per group (compute_grouped_similarity_matrices). */
  readonly group_by?: string;
}

export type SimilarityResult =
  | { readonly kind: 'matrix'; readonly matrix: SimilarityMatrix }
  | { readonly kind: 'grouped'; readonly groups: Record<string, GroupSimilarity> };

export interface PrunePreview {
  readonly input_dim: number;
  readonly unpruned_length: number;
  readonly previous_input_dim: number;
  readonly param_map_hash: string;
  params: { name: string; numel: number; previous: number; kept: number }[];
}

export interface TaskSpecs {
  /** `fullLoadMaxBytes`: describe larger checkpoints from their headers (default in config.ts). */
  inspect: { args: { dir: string; fullLoadMaxBytes?: number }; result: CheckpointSummary };
  params: { args: ModelHandle & { part: ImportancePart }; result: ParamRow[] };
  importance: { args: ModelHandle & { part: ImportancePart }; result: Float32Array };
  histogram: {
    args: ModelHandle & { part: ImportancePart; bins: number; scale: 'linear' | 'log' };
    result: HistogramResult;
  };
  heatmap: {
    args: ModelHandle & {
      part: ImportancePart;
      param: string;
      rows: number;
      cols: number;
      agg: 'max' | 'mean' | 'sum';
    };
    result: HeatmapResult;
  };
  topk: { args: ModelHandle & { part: ImportancePart; k: TopkSpec }; result: TopkRow[] };
  /** Overlap of two models' top-k selections in base-parameter space. */
  compare: {
    args: { a: ModelHandle; b: ModelHandle; part: ImportancePart; k: TopkSpec };
    result: CompareResult;
  };
  /** Similarity matrix of several models (or seed groups) aligned by base-global index; grouped with group_by. */
  similarityMatrix: {
    args: { models: { id: string; handles: ModelHandle[] }[]; request: SimilarityRequest };
    result: SimilarityResult;
  };
  prunePreview: {
    args: ModelHandle & { request: PruneRequest };
    /** storedBytesAfter: exactly what `prune` with the same request would store. */
    result: { preview: PrunePreview; storedBytesAfter: number };
  };
  prune: {
    args: ModelHandle & { request: PruneRequest; outDir: string };
    result: { preview: PrunePreview; summary: CheckpointSummary };
  };
  exportOnnx: { args: ModelHandle & { which: 'encoder' | 'decoder' }; result: Uint8Array };
  /**
   * One encoder or decoder forward on rows too large for the main thread, on the worker's own
   * session cache (keyed like the main thread's, `budgetBytes` its share of the memory budget).
   */
  onnxRun: {
    args: ModelHandle & {
      which: 'encoder' | 'decoder';
      input: Float32Array;
      batch: number;
      /** Divides the input first (encode's input_scale). */
      scale: number;
      budgetBytes: number;
    };
    result: Float32Array;
  };
  /** Safetensors bytes of per-parameter gradients → model input rows (float32, batch 1). */
  flattenGradients: { args: ModelHandle & { bytes: Uint8Array }; result: Float32Array };
  /** Decoded rows → safetensors bytes of per-parameter tensors (zeros at unselected entries). */
  expandDecoded: { args: ModelHandle & { decoded: Float32Array; batch: number }; result: Uint8Array };
}

export type TaskName = keyof TaskSpecs;
export type TaskArgs<K extends TaskName> = TaskSpecs[K]['args'];
export type TaskResult<K extends TaskName> = TaskSpecs[K]['result'];
