import type { GradiendModel } from '@gradiend/core';
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
  saveCheckpoint,
  type LoadedCheckpoint,
} from '@gradiend/core/node';
import { DEFAULT_FULL_LOAD_MAX_BYTES } from '../config/config.js';
import { OnnxSessionCache } from '../onnx/session-cache.js';
import { runGraph } from '../onnx/run-graph.js';
import { compareSelections, selectionByParam } from '../analysis/compare.js';
import { paramHeatmap } from '../analysis/heatmap.js';
import { importanceHistogram } from '../analysis/histogram.js';
import { paramRows } from '../analysis/param-rows.js';
import { plannedCheckpointBytes } from '../analysis/planned-bytes.js';
import { summarizeCheckpoint, summarizeInspection } from '../analysis/summarize.js';
import { topkRows } from '../analysis/topk-rows.js';
import type { TaskHandlers } from './task-handlers-type.js';
import type { ModelHandle, PrunePreview, PruneRequest } from './task-types.js';

/** Loaded models per worker, keyed by content; small because one BERT-sized model is ~1 GB. */
const MAX_CACHED = 4;
const cache = new Map<string, Promise<LoadedCheckpoint>>();

function load(handle: ModelHandle): Promise<LoadedCheckpoint> {
  let hit = cache.get(handle.key);
  if (hit) {
    cache.delete(handle.key);
    cache.set(handle.key, hit);
    return hit;
  }
  hit = loadCheckpoint(handle.dir);
  hit.catch(() => cache.delete(handle.key));
  cache.set(handle.key, hit);
  while (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return hit;
}

/** This thread's ONNX sessions for large inputs, created on first use with the budget share. */
let sessions: OnnxSessionCache | null = null;

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

function preview(before: GradiendModel, after: GradiendModel): PrunePreview {
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
    if (weightBytes !== undefined && weightBytes > fullLoadMaxBytes) {
      return summarizeInspection(inspection, {
        training: inspection.training,
        gradiendContext: inspection.gradiendContext,
      });
    }
    const ck = await loadCheckpoint(dir);
    return summarizeCheckpoint(ck.model, { training: ck.training, gradiendContext: ck.gradiendContext });
  },

  async params(args) {
    const { model } = await load(args);
    return paramRows(model, model.importance(args.part));
  },

  async importance(args) {
    const { model } = await load(args);
    return Float32Array.from(model.importance(args.part));
  },

  async histogram(args) {
    const { model } = await load(args);
    return importanceHistogram(model.importance(args.part), args.part, args.bins, args.scale);
  },

  async heatmap(args) {
    const { model } = await load(args);
    return paramHeatmap(model, model.importance(args.part), args);
  },

  async topk(args) {
    const { model } = await load(args);
    return topkRows(model, model.importance(args.part), model.topK(args.part, args.k));
  },

  async compare({ a, b, part, k }) {
    const ma = (await load(a)).model;
    const mb = (await load(b)).model;
    return compareSelections(selectionByParam(ma, ma.topK(part, k)), selectionByParam(mb, mb.topK(part, k)));
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

  async prune(args) {
    const ck = await load(args);
    const result = ck.model.prune(pruneOptions(args.request));
    await saveCheckpoint(args.outDir, result.model, saveOptions(ck));
    const saved = await loadCheckpoint(args.outDir);
    return {
      preview: preview(ck.model, result.model),
      summary: summarizeCheckpoint(saved.model, {
        training: saved.training,
        gradiendContext: saved.gradiendContext,
      }),
    };
  },

  async exportOnnx(args) {
    return exportGraph(args, args.which);
  },

  async onnxRun(args) {
    sessions ??= new OnnxSessionCache(args.budgetBytes);
    const session = await sessions.get(`${args.key}:${args.which}`, () => exportGraph(args, args.which));
    return runGraph(session, args.which, args.input, args.batch, args.scale);
  },

  async flattenGradients(args) {
    const { model } = await load(args);
    const grads = new Map<string, GradientTensor>();
    for (const [name, t] of readSafetensorsBuffer(args.bytes).tensors()) grads.set(name, asGradient(t));
    return Float32Array.from(model.flattenGradientDict(grads));
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
