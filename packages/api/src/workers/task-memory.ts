import { topKBoundary } from '@gradiend/core';
import { CURVE_SAMPLES_AT_ONCE } from '../evaluation/evaluate-set.js';
import type { ModelHandle, TaskArgs, TaskName } from './task-types.js';

/**
 * Working memory of one task, in bytes, estimated before it runs from what the request names: the
 * model's stored size (≈ its arrays once loaded; a worker that already holds the model needs less,
 * so this errs high) and its input dims. Every task kind must say how much it takes, so a new one
 * cannot bypass the instance's memory budget (MemoryBudget).
 */
type Estimates = { readonly [K in TaskName]: (args: TaskArgs<K>) => number };

/** Float64 per input dim: an importance vector (the core computes in float64 for small dtypes). */
const PER_DIM = 8;
/** The floor for any task: the worker's own heap, small models' arrays, result objects. */
const BASE = 16 * 1024 * 1024;

const loaded = (h: ModelHandle) => BASE + h.storedBytes;
const withImportance = (h: ModelHandle) => loaded(h) + PER_DIM * h.inputDim;

export const TASK_MEMORY: Estimates = {
  // Above the full-load threshold only the headers are read; below it the weights are loaded.
  inspect: (a) => BASE + Math.min(a.storedBytes, a.fullLoadMaxBytes ?? a.storedBytes),
  // One weight tensor read into the shared float32 vector (plus bias chunks); otherwise the loaded
  // model, the core's importance and its float32 copy in shared memory.
  analyzeImportance: (a) => (a.tensorImportance ? BASE + 4 * a.inputDim : withImportance(a) + 4 * a.inputDim),
  // The importance is shared memory the main thread holds; the task writes it in 16 MiB steps.
  persistAnalysis: () => BASE,
  keptByThreshold: () => BASE,
  // Small inputs run selectTopK (indices and a byte mask); large ones a 64 Ki-bucket histogram.
  keptByTopK: (a) => BASE + 5 * a.importance.length,
  // Headers only; the stand-in's zero weights are never touched, its keep list and map are int32.
  prunedBytes: (a) => BASE + 2 * 4 * a.inputDim,
  // The cached importance is shared; the parameter's positions may be materialised as int32.
  heatmap: (a) => BASE + 4 * a.inputDim,
  // The importance is shared; per kept dim its index and key, the sort's (index, distance) scratch
  // and the result (20 bytes), per candidate in the boundary bucket its index and key (8 bytes);
  // 24 and 12 err high (histograms, rounding).
  topkIndices: (a) => {
    const n = a.importance.length;
    const k = Math.min(Math.max(Math.floor(a.k), 0), n);
    const inBucket = k > 0 ? topKBoundary(a.summary, k).inBucket : 0;
    return BASE + 24 * k + 12 * inBucket;
  },
  // From a shared ranking only the page's rows are built; without one the model is ranked.
  topk: (a) => (a.ranking ? BASE : withImportance(a) + 4 * a.inputDim),
  // Rows exist one chunk at a time (topk-stream.ts).
  topkStream: (a) => (a.ranking ? BASE : withImportance(a) + 4 * a.inputDim),
  // Both rankings are shared; the selections are grouped per parameter (float64 positions).
  compare: (a) => BASE + 8 * (a.a.indices.length + a.b.indices.length),
  // Every model of every group is loaded with its importance at once.
  similarityMatrix: (a) =>
    a.models.reduce((sum, m) => sum + m.handles.reduce((s, h) => s + withImportance(h), 0), 0),
  // The pruned model is at most the size of the source.
  prunePreview: (a) => withImportance(a) + a.storedBytes,
  prune: (a) => withImportance(a) + a.storedBytes,
  // The graph holds a copy of the weights.
  exportOnnx: (a) => loaded(a) + a.storedBytes,
  // The model and the copy of its encoder in shared memory.
  encoderWeights: (a) => loaded(a) + a.storedBytes,
  onnxRun: (a) => loaded(a) + a.storedBytes + 2 * a.input.byteLength,
  flattenGradients: (a) => loaded(a) + a.bytes.byteLength + 4 * a.inputDim,
  // One sample in compute precision (a curve: CURVE_SAMPLES_AT_ONCE), its largest parameter as
  // float64, and for a curve the ranking (importance as float64, bucket and ranks) besides the
  // loaded model.
  evaluateSet: (a) =>
    loaded(a) +
    8 * a.inputDim * (a.curve ? CURVE_SAMPLES_AT_ONCE : 1) +
    8 * a.largestParamNumel +
    (a.curve ? withImportance(a) - loaded(a) + 8 * a.inputDim : 0),
  expandDecoded: (a) => loaded(a) + 3 * a.decoded.byteLength,
};

export function taskMemory<K extends TaskName>(name: K, args: TaskArgs<K>): number {
  return (TASK_MEMORY[name] as (a: TaskArgs<K>) => number)(args);
}
