import type { MessagePort } from 'node:worker_threads';
import type {
  GradiendEncoder,
  GroupSimilarity,
  ImportancePart,
  ImportanceSummary,
  SimilarityMatrix,
} from '@gradiend/core';
import type { TopkDownloadFormat } from '../analysis/topk-stream.js';
import type { Heatmap, SelectionOverlap, TopkRow } from '../schemas/analysis.js';
import type { PruneOutcome } from '../schemas/prune.js';
import type { CheckpointSummary } from '../schemas/registry.js';
import type { FileRecord } from '../storage/metadata-store.js';
import type { TopkSpec } from '../schemas/topk.js';
import type { GraphKind, HeatmapAgg } from '../schemas/vocabulary.js';
import type { EvaluateSetArgs, EvaluateSetResult } from '../evaluation/evaluate-set.js';

// Task results are the HTTP contract's shapes (schemas/), so a route returns them as they are.

/**
 * A checked-out version: `dir` holds its files, `key` identifies its content (for worker caches);
 * `storedBytes` (its files) and `inputDim` size the memory its tasks take (task-memory.ts).
 */
export interface ModelHandle {
  readonly dir: string;
  readonly key: string;
  readonly storedBytes: number;
  readonly inputDim: number;
  /**
   * Float32 safetensors weights of latent dim 1: a part's importance is read from its weight
   * tensor alone (analysis/tensor-importance.ts), without loading the model.
   */
  readonly tensorImportance?: boolean;
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

/**
 * A finished top-k ranking of a cached importance (shared memory): the dims most important first
 * and each one's importance (`values[i]` belongs to `indices[i]`).
 */
export interface TopkRanking {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A file a task wrote for the blob store, with its hash. */
export interface StagedBlob {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface TaskSpecs {
  /** `fullLoadMaxBytes`: describe larger checkpoints from their headers (default in config.ts). */
  /** `storedBytes`: the folder's total file size (sizes the task's memory). */
  inspect: {
    args: { dir: string; storedBytes: number; fullLoadMaxBytes?: number };
    result: CheckpointSummary;
  };
  /** From the cached importance (`importance`, in shared memory) and the checkpoint's param map. */
  heatmap: {
    args: ModelHandle & {
      importance: Float32Array;
      part: ImportancePart;
      param: string;
      rows: number;
      cols: number;
      agg: HeatmapAgg;
    };
    result: Heatmap;
  };
  /**
   * The k most important dims of a cached importance (k clamped to [0, length]), ranked exactly as
   * the core's selectTopK ranks it (prune's rule: ties by lowest index), using the summary's buckets.
   */
  topkIndices: {
    args: { importance: Float32Array; summary: ImportanceSummary; k: number };
    result: TopkRanking;
  };
  /**
   * Rows [offset, offset + limit) of the top-k selection, and its size: of `ranking` (from the
   * cached importance; only the checkpoint's headers are read), else of the loaded model.
   */
  topk: {
    args: ModelHandle & {
      part: ImportancePart;
      k: TopkSpec;
      ranking?: TopkRanking;
      offset: number;
      limit: number;
    };
    result: { total: number; items: TopkRow[] };
  };
  /**
   * Every row of the top-k selection, streamed as CSV or JSON text to `port` (port-stream.ts);
   * `kAsGiven` is echoed in the JSON document. Result: the rows sent (fewer if the reader left).
   */
  topkStream: {
    args: ModelHandle & {
      part: ImportancePart;
      k: TopkSpec;
      /** As in `topk`: the cached ranking, else the model is loaded. */
      ranking?: TopkRanking;
      kAsGiven: number | string;
      format: TopkDownloadFormat;
      port: MessagePort;
    };
    result: { rows: number };
  };
  /** Overlap of two models' top-k selections (`indices`, from their cached rankings) in base-parameter space. */
  compare: {
    args: {
      a: ModelHandle & { indices: Int32Array };
      b: ModelHandle & { indices: Int32Array };
    };
    result: SelectionOverlap;
  };
  /**
   * One part's importance as float32 in shared memory (so every thread reads it without a copy)
   * and its summary over the param map's entries: what the analysis cache computes once per version.
   */
  analyzeImportance: {
    args: ModelHandle & { part: ImportancePart };
    result: { importance: Float32Array; summary: ImportanceSummary };
  };
  /** Writes an analysis as two files in `dir` and hashes them (hashing 435 MB stays off the event loop). */
  persistAnalysis: {
    args: { importance: Float32Array; summary: string; dir: string };
    result: { importance: StagedBlob; summary: StagedBlob };
  };
  /** Per parameter (`segments`: selected dims of each), how many dims `v >= threshold` keeps: a scan. */
  keptByThreshold: {
    args: { importance: Float32Array; segments: number[]; threshold: number };
    result: number[];
  };
  /** Per parameter, how many of the k most important dims it holds, ties as prune breaks them. */
  keptByTopK: {
    args: { importance: Float32Array; summary: ImportanceSummary; segments: number[]; k: number };
    result: number[];
  };
  /** Exactly what `prune` keeping `kept[i]` dims of parameter i would store (from headers only). */
  prunedBytes: { args: ModelHandle & { kept: number[] }; result: number };
  /** Similarity matrix of several models (or seed groups) aligned by base-global index; grouped with group_by. */
  similarityMatrix: {
    args: { models: { id: string; handles: ModelHandle[] }[]; request: SimilarityRequest };
    result: SimilarityResult;
  };
  prunePreview: {
    args: ModelHandle & { request: PruneRequest };
    /** storedBytesAfter: exactly what `prune` with the same request would store. */
    result: { preview: PruneOutcome; storedBytesAfter: number };
  };
  prune: {
    args: ModelHandle & { request: PruneRequest; outDir: string };
    /** `files`: every file written to outDir with its hash and size, taken while writing. */
    result: { preview: PruneOutcome; summary: CheckpointSummary; files: FileRecord[] };
  };
  exportOnnx: { args: ModelHandle & { which: GraphKind }; result: Uint8Array };
  /**
   * The model's encoder half (weights in compute precision, copied into shared memory so the main
   * thread keeps them without a copy and without the rest of the model), for encodeWithCore.
   */
  encoderWeights: { args: ModelHandle; result: GradiendEncoder };
  /**
   * One encoder or decoder forward on rows too large for the main thread, on the worker's own
   * session cache (keyed like the main thread's, `budgetBytes` its share of the memory budget).
   */
  onnxRun: {
    args: ModelHandle & {
      which: GraphKind;
      input: Float32Array;
      batch: number;
      /** Divides the input first (encode's input_scale). */
      scale: number;
      budgetBytes: number;
      /**
       * Encoder only: encode with the core's kernel (encodeWithCore, as encodesWithCore decided on
       * the main thread), which also checks the inputs; else the graph, on inputs already checked.
       */
      core?: boolean;
    };
    result: Float32Array;
  };
  /** Safetensors bytes of per-parameter gradients → model input rows (float32, batch 1). */
  flattenGradients: { args: ModelHandle & { bytes: Uint8Array }; result: Float32Array };
  /**
   * Encodings of a labeled set's samples by the version (and pruned to every k of a curve's grid),
   * read one sample at a time; `root`: the set root's checkout when it is another version.
   */
  evaluateSet: {
    args: ModelHandle & EvaluateSetArgs & { root: { dir: string } | null; largestParamNumel: number };
    result: EvaluateSetResult;
  };
  /** Decoded rows → safetensors bytes of per-parameter tensors (zeros at unselected entries). */
  expandDecoded: { args: ModelHandle & { decoded: Float32Array; batch: number }; result: Uint8Array };
}

export type TaskName = keyof TaskSpecs;
export type TaskArgs<K extends TaskName> = TaskSpecs[K]['args'];
export type TaskResult<K extends TaskName> = TaskSpecs[K]['result'];
