import path from 'node:path';
import type { FloatArray, GradiendEncoder, GradiendModel } from '@gradiend/core';
import {
  groupedSimilarityMatrices,
  similarityMatrix,
  exportDecoderOnnx,
  exportEncoderOnnx,
  scatterToParams,
  readSafetensorsBuffer,
  serializeSafetensors,
  toFloat64,
  type GradientTensor,
  type PruneOptions,
  type SaveOptions,
  type Tensor,
} from '@gradiend/core';
import {
  inspectCheckpoint,
  loadCheckpoint,
  nonFiniteWeights,
  pruneStoredCheckpoint,
  readCheckpoint,
  scanNonFiniteWeights,
  saveCheckpoint,
  type CheckpointHeaders,
  type CheckpointInspection,
  type LoadedCheckpoint,
} from '@gradiend/core/node';
import {
  keptPerSegmentByThresholdExact,
  keptPerSegmentByTopKExact,
  pruneStandIn,
  summarizeImportance,
  toPlain,
  topKFromSummary,
} from '@gradiend/core';
import { DEFAULT_FULL_LOAD_MAX_BYTES } from '../config/config.js';
import { assertFiniteWeights } from '../registry/non-finite-weights.js';
import { checkGradientDict } from '../onnx/gradient-dict-body.js';
import { InferenceCache } from '../onnx/inference-cache.js';
import { encodeWithCore } from '../onnx/encode-with-core.js';
import { runGraph } from '../onnx/run-graph.js';
import { compareSelections, selectionByParam } from '../analysis/compare.js';
import { paramHeatmap } from '../analysis/heatmap.js';
import { writeAnalysisFiles } from '../analysis/analysis-files.js';
import { plannedCheckpointBytes } from '../analysis/planned-bytes.js';
import { summarizeCheckpoint, summarizeInspection } from '../analysis/summarize.js';
import { readTensorImportance } from '../analysis/tensor-importance.js';
import { topkRows } from '../analysis/topk-rows.js';
import { streamTopk } from '../analysis/topk-stream.js';
import { PortWriter } from './port-stream.js';
import { HashedFiles } from './hashed-files.js';
import { currentWorkerSettings } from './worker-settings.js';
import type { TaskHandlers } from './task-handlers-type.js';
import { evaluateSet } from '../evaluation/evaluate-set.js';
import type { PruneOutcome } from '../schemas/prune.js';
import type { ModelHandle, PruneRequest } from './task-types.js';

/**
 * Loaded models per worker, keyed by content, most recently used last: at most MAX_CACHED and at
 * most the settings' modelCacheBytes of stored size (one BERT-sized model is ~1.3 GB). A model
 * larger than that is loaded for its task and dropped after it.
 */
const MAX_CACHED = 4;
const { modelCacheBytes } = currentWorkerSettings();
const cache = new Map<string, { readonly bytes: number; readonly loading: Promise<LoadedCheckpoint> }>();

function load(handle: ModelHandle): Promise<LoadedCheckpoint> {
  const hit = cache.get(handle.key);
  if (hit) {
    cache.delete(handle.key);
    cache.set(handle.key, hit);
    return hit.loading;
  }
  const loading = loadCheckpoint(handle.dir);
  if (handle.storedBytes > modelCacheBytes) return loading;
  loading.catch(() => cache.delete(handle.key));
  cache.set(handle.key, { bytes: handle.storedBytes, loading });
  let cached = [...cache.values()].reduce((n, e) => n + e.bytes, 0);
  for (const [key, entry] of cache) {
    if (cache.size <= MAX_CACHED && cached <= modelCacheBytes) break;
    cache.delete(key);
    cached -= entry.bytes;
  }
  return loading;
}

/** Checkpoint headers (config, param map, no weight data) per content key, for the cached-importance tasks. */
const headers = new Map<string, Promise<CheckpointHeaders>>();

function loadHeaders(handle: ModelHandle): Promise<CheckpointHeaders> {
  let hit = headers.get(handle.key);
  if (!hit) {
    hit = readCheckpoint(handle.dir, { weights: 'headers' });
    hit.catch(() => headers.delete(handle.key));
    headers.set(handle.key, hit);
    while (headers.size > 32) headers.delete(headers.keys().next().value as string);
  }
  return hit;
}

/** The importance as float32 in a SharedArrayBuffer (float64 models are rounded, see docs/api.md). */
function sharedFloat32(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(values.length * 4));
  out.set(values);
  return out;
}

/** This thread's sessions and encoders for large inputs, created on first use with the budget share. */
let sessions: InferenceCache | null = null;

/** A copy of an array in shared memory: it outlives the model it came from, and moves without a copy. */
function sharedCopy(values: FloatArray): FloatArray {
  const out =
    values instanceof Float64Array
      ? new Float64Array(new SharedArrayBuffer(values.byteLength))
      : new Float32Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

/** The model's encoder half with its own arrays (the loaded model may be dropped from the cache). */
async function sharedEncoder(handle: ModelHandle): Promise<GradiendEncoder> {
  const encoder = (await load(handle)).model.encoder();
  return {
    ...encoder,
    weight: sharedCopy(encoder.weight),
    bias: encoder.bias ? sharedCopy(encoder.bias) : null,
  };
}

async function exportGraph(handle: ModelHandle, which: 'encoder' | 'decoder'): Promise<Uint8Array> {
  const { model } = await load(handle);
  return which === 'encoder' ? exportEncoderOnnx(model) : exportDecoderOnnx(model);
}

function pruneOptions(request: PruneRequest): PruneOptions {
  return {
    ...(request.topk !== undefined ? { topk: request.topk } : {}),
    ...(request.threshold !== undefined ? { threshold: request.threshold } : {}),
    ...(request.part !== undefined ? { part: request.part } : {}),
    ...(request.mask !== undefined ? { mask: Uint8Array.from(request.mask) } : {}),
    ...(request.keep_idx !== undefined ? { keepIdx: request.keep_idx } : {}),
  };
}

/** What a preview reads of the source: its input dims and param map (headers are enough). */
type PruneSource = Pick<GradiendModel, 'inputDim' | 'paramMap'>;

function preview(before: PruneSource, after: GradiendModel): PruneOutcome {
  const kept = new Map(after.paramMap.entries.map((e) => [e.name, e.numSelected]));
  return {
    input_dim: after.inputDim,
    unpruned_length: after.unprunedLength(),
    previous_input_dim: before.inputDim,
    param_map_hash: after.paramMapHash(),
    params: before.paramMap.entries.map((e) => ({
      name: e.name,
      numel: e.numel,
      previous: e.numSelected,
      kept: kept.get(e.name) ?? 0,
    })),
  };
}

/** What a prune saves besides the model: the source's training and gradient context files. */
function saveOptions(ck: LoadedCheckpoint): SaveOptions {
  return {
    training: ck.training ?? undefined,
    gradiendContext: ck.gradiendContext ?? undefined,
  };
}

function asGradient(t: Tensor): GradientTensor {
  const numeric = t.dtype === 'F32' || t.dtype === 'F64';
  return { shape: t.shape, data: numeric ? (t.data as Float32Array | Float64Array) : toFloat64(t) };
}

/** An Int32Array in a SharedArrayBuffer, so the main thread keeps it without a copy. */
function sharedInt32(values: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

/** A file of the checkpoint named relative to its folder (problems never show server paths). */
function checkpointRelative(inspection: CheckpointInspection, file: string): string {
  return path.relative(inspection.directory, file).split(path.sep).join('/');
}

export const taskHandlers: TaskHandlers = {
  // Large checkpoints are described from their headers (see ApiConfig.fullLoadMaxBytes); both kinds
  // are validated by the same rules: inspectCheckpoint applies all that loadCheckpoint does but read
  // the weight data.
  async inspect({ dir, fullLoadMaxBytes = DEFAULT_FULL_LOAD_MAX_BYTES }) {
    const inspection = await inspectCheckpoint(dir);
    // loadCheckpoint would throw exactly this one (same rules, same order).
    const [problem] = inspection.problems;
    if (problem) throw problem;
    const weightBytes = inspection.weights?.reduce((n, w) => n + w.bytes, 0);
    if (inspection.weights && weightBytes !== undefined && weightBytes > fullLoadMaxBytes) {
      // Not loaded: the weights are scanned from the file a few MiB at a time.
      const file = path.join(inspection.weightsDirectory, inspection.weightsFile);
      const names = inspection.weights.map((w) => w.name);
      assertFiniteWeights(checkpointRelative(inspection, file), await scanNonFiniteWeights(file, names));
      return summarizeInspection(inspection, {
        training: inspection.training,
        gradiendContext: inspection.gradiendContext,
      });
    }
    const ck = await loadCheckpoint(dir);
    const file = path.join(inspection.weightsDirectory, inspection.weightsFile);
    assertFiniteWeights(checkpointRelative(inspection, file), nonFiniteWeights(ck.model.weights));
    return summarizeCheckpoint(ck.model, { training: ck.training, gradiendContext: ck.gradiendContext });
  },

  // Read from the part's weight tensor when that is all it takes (float32, latent 1), else from the
  // loaded model.
  async analyzeImportance(args) {
    // Read afresh: cached headers name the folder of whichever checkout of this content came first.
    const headers = await readCheckpoint(args.dir, { weights: 'headers' });
    const importance =
      (await readTensorImportance(headers, args.part)) ??
      sharedFloat32((await load(args)).model.importance(args.part));
    const segments = headers.paramMap.entries.map((e) => e.numSelected);
    return { importance, summary: summarizeImportance(importance, segments) };
  },

  async persistAnalysis(args) {
    return writeAnalysisFiles(args.dir, args.importance, args.summary);
  },

  keptByThreshold(args, { signal }) {
    return keptPerSegmentByThresholdExact(args.importance, args.segments, args.threshold, { signal });
  },

  keptByTopK(args, { signal }) {
    return keptPerSegmentByTopKExact(args.importance, args.summary, args.segments, args.k, { signal });
  },

  async prunedBytes(args) {
    const h = await loadHeaders(args);
    const standIn = pruneStandIn({ ...h, config: h.location.config }, args.kept);
    return plannedCheckpointBytes(standIn, {
      training: h.training === null ? undefined : toPlain(h.training),
      gradiendContext: h.gradiendContext === null ? undefined : toPlain(h.gradiendContext),
    });
  },

  async heatmap(args) {
    const { paramMap } = await loadHeaders(args);
    return paramHeatmap(paramMap, args.importance, args);
  },

  topkIndices({ importance, summary, k }) {
    const indices = sharedInt32(topKFromSummary(importance, summary, k));
    const values = new Float32Array(new SharedArrayBuffer(indices.length * 4));
    for (let i = 0; i < indices.length; i++) values[i] = importance[indices[i]!]!;
    return { indices, values };
  },

  async topk(args) {
    const { ranking } = args;
    if (ranking) {
      const { paramMap } = await loadHeaders(args);
      const from = Math.min(args.offset, ranking.indices.length);
      const to = Math.min(args.offset + args.limit, ranking.indices.length);
      return {
        total: ranking.indices.length,
        items: topkRows(
          paramMap,
          ranking.indices.subarray(from, to),
          ranking.values.subarray(from, to),
          from,
        ),
      };
    }
    const { model } = await load(args);
    const indices = model.topK(args.part, args.k);
    const page = indices.subarray(args.offset, args.offset + args.limit);
    const importance = model.importance(args.part);
    const values = Array.from(page, (i) => importance[i] ?? 0);
    return {
      total: indices.length,
      items: topkRows(model, page, values, Math.min(args.offset, indices.length)),
    };
  },

  async topkStream(args) {
    const out = new PortWriter(args.port);
    try {
      const head = { part: args.part, k: args.kAsGiven };
      if (args.ranking) {
        const { paramMap } = await loadHeaders(args);
        const { indices, values } = args.ranking;
        return { rows: await streamTopk(out, paramMap, indices, values, args.format, head) };
      }
      const { model } = await load(args);
      const indices = model.topK(args.part, args.k);
      const importance = model.importance(args.part);
      const values = Float64Array.from(indices, (i) => importance[i] ?? 0);
      return { rows: await streamTopk(out, model.paramMap, indices, values, args.format, head) };
    } finally {
      out.end();
    }
  },

  async compare({ a, b }) {
    const selection = async (side: ModelHandle & { indices: Int32Array }) => {
      const { paramMap } = await loadHeaders(side);
      return selectionByParam(paramMap, side.indices);
    };
    return compareSelections(await selection(a), await selection(b));
  },

  async similarityMatrix({ models, request }) {
    const loaded = new Map<string, GradiendModel[]>();
    for (const { id, handles } of models)
      loaded.set(id, await Promise.all(handles.map(async (h) => (await load(h)).model)));
    const common = {
      ...(request.measure !== undefined ? { measure: request.measure } : {}),
      ...(request.part !== undefined ? { part: request.part } : {}),
      topk: request.topk ?? null,
    };
    if (request.group_by !== undefined) {
      const single = new Map([...loaded].map(([id, ms]) => [id, ms[0] as GradiendModel]));
      return {
        kind: 'grouped',
        groups: groupedSimilarityMatrices(single, { ...common, groupBy: request.group_by }),
      };
    }
    return {
      kind: 'matrix',
      matrix: similarityMatrix(loaded, {
        ...common,
        ...(request.value !== undefined ? { value: request.value } : {}),
        ...(request.seed_aggregate !== undefined ? { seedAggregate: request.seed_aggregate } : {}),
        ...(request.dispersion !== undefined ? { dispersion: request.dispersion } : {}),
      }),
    };
  },

  async prunePreview(args) {
    const ck = await load(args);
    const after = ck.model.prune(pruneOptions(args.request)).model;
    return {
      preview: preview(ck.model, after),
      storedBytesAfter: plannedCheckpointBytes(after, saveOptions(ck)),
    };
  },

  // The written files are hashed as they are written and the summary comes from the pruned model
  // in memory: nothing is read back (the registry commits exactly these files). A model this
  // worker does not hold is pruned from its file where the core can (one tensor read instead of
  // the whole model: 0.45 GB instead of 1.3 GB at BERT scale).
  async prune(args) {
    const stored = cache.has(args.key)
      ? null
      : await pruneStoredCheckpoint(args.dir, pruneOptions(args.request));
    const source = stored
      ? {
          before: { inputDim: stored.headers.architecture.inputDim, paramMap: stored.headers.paramMap },
          model: stored.model,
          files: {
            training: stored.headers.training === null ? undefined : toPlain(stored.headers.training),
            gradiendContext:
              stored.headers.gradiendContext === null ? undefined : toPlain(stored.headers.gradiendContext),
          },
        }
      : await (async () => {
          const ck = await load(args);
          return {
            before: ck.model,
            model: ck.model.prune(pruneOptions(args.request)).model,
            files: saveOptions(ck),
          };
        })();
    const hashes = new HashedFiles();
    const names = await saveCheckpoint(args.outDir, source.model, source.files, hashes.observe);
    return {
      preview: preview(source.before, source.model),
      summary: summarizeCheckpoint(source.model, {
        training: source.files.training ?? null,
        gradiendContext: source.files.gradiendContext ?? null,
      }),
      files: names.map((name) => hashes.record(name)),
    };
  },

  async exportOnnx(args) {
    return exportGraph(args, args.which);
  },

  encoderWeights(args) {
    return sharedEncoder(args);
  },

  async onnxRun(args) {
    sessions ??= new InferenceCache(args.budgetBytes);
    if (args.core === true && args.which === 'encoder') {
      const encoder = await sessions.encoder(`${args.key}:core-encoder`, () => sharedEncoder(args));
      return encodeWithCore(encoder, args.input, args.batch, args.scale);
    }
    const session = await sessions.session(`${args.key}:${args.which}`, () => exportGraph(args, args.which));
    return runGraph(session, args.which, args.input, args.batch, args.scale);
  },

  async flattenGradients(args) {
    const { model } = await load(args);
    const tensors = new Map(readSafetensorsBuffer(args.bytes).tensors());
    checkGradientDict(model.paramMap, tensors);
    const grads = new Map<string, GradientTensor>();
    for (const [name, t] of tensors) grads.set(name, asGradient(t));
    return Float32Array.from(model.flattenGradientDict(grads));
  },

  async evaluateSet(args, { signal }) {
    const ck = await load(args);
    const root = args.root ? (await readCheckpoint(args.root.dir, { weights: 'headers' })).paramMap : null;
    return evaluateSet(ck, root, args, signal);
  },

  async expandDecoded(args) {
    const { model } = await load(args);
    const n = model.inputDim;
    const rows = Array.from({ length: args.batch }, (_, b) =>
      scatterToParams(model.paramMap, args.decoded.subarray(b * n, (b + 1) * n), (k) => new Float32Array(k)),
    );
    const tensors = new Map<string, Tensor>();
    for (const e of model.paramMap.entries) {
      const parts = rows.map((r) => r.get(e.name)?.data ?? new Float32Array(e.numel));
      const data = parts.length === 1 ? (parts[0] as Float32Array) : new Float32Array(args.batch * e.numel);
      if (parts.length > 1) parts.forEach((p, b) => data.set(p, b * e.numel));
      tensors.set(e.name, {
        dtype: 'F32',
        shape: args.batch === 1 ? [...e.shape] : [args.batch, ...e.shape],
        data,
      });
    }
    return serializeSafetensors(tensors, { format: 'pt' });
  },
};
