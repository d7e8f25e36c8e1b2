import path from 'node:path';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import type { PruneOptions } from '../model/prune-arguments.js';
import { remapParamMap } from '../model/prune-remap.js';
import { isKeepEverything, selectInputDims, type Selection } from '../model/prune-selection.js';
import type { InputKernels } from '../model/input-kernels.js';
import { EXACT_TIE_EMULATION_LIMIT } from '../model/topk/select-top-k.js';
import type { FloatArray } from '../model/types.js';
import { weightLayout } from '../model/weight-layout.js';
import { SafetensorsFile } from '../safetensors/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildModel } from './assemble-model.js';
import { readCheckpoint, type CheckpointHeaders } from './checkpoint-reader.js';
import { WEIGHT_FILES, WEIGHT_NAMES } from './state-dict-names.js';

/** The tensor GradiendModel.rankedImportance ranks, per part, when it ranks raw weights. */
const RANKED_TENSOR: Partial<Record<ImportancePart, string>> = {
  'decoder-weight': WEIGHT_NAMES.decoderWeight,
  'encoder-weight': WEIGHT_NAMES.encoderWeight,
  'decoder-bias': WEIGHT_NAMES.decoderBias,
};

/** Elements per read of a tensor that is only gathered (16 MiB of float32). */
const GATHER_STEP = 1 << 22;

export interface StoredPruneResult extends Selection {
  /** The pruned model, as `loadCheckpoint(dir).model.prune(options).model` would give it. */
  readonly model: GradiendModel;
  /** The source checkpoint's headers (its param map, input dim, training and context files). */
  readonly headers: CheckpointHeaders;
}

const given = (v: unknown): boolean => v !== undefined && v !== null;

/** A float array of `values`' dtype. */
const floatArray = (dtype: 'F32' | 'F64', n: number): FloatArray =>
  dtype === 'F64' ? new Float64Array(n) : new Float32Array(n);

/** `values[keep[j]]` for every j: the kept dims of a per-input-dim tensor held in memory. */
function gather(values: FloatArray, keep: Int32Array): FloatArray {
  const out = floatArray(values instanceof Float64Array ? 'F64' : 'F32', keep.length);
  for (let j = 0; j < keep.length; j++) out[j] = values[keep[j] as number] as number;
  return out;
}

/** The kept dims of a per-input-dim tensor, read from the file a step at a time. */
async function gatherFromFile(
  file: SafetensorsFile,
  name: string,
  dtype: 'F32' | 'F64',
  keep: Int32Array,
): Promise<FloatArray> {
  const info = file.info(name);
  const out = floatArray(dtype, keep.length);
  const buffer = floatArray(dtype, Math.min(GATHER_STEP, info.numel));
  let j = 0;
  for (let start = 0; start < info.numel && j < keep.length; start += GATHER_STEP) {
    const count = Math.min(GATHER_STEP, info.numel - start);
    const end = start + count;
    if ((keep[j] as number) >= end) continue;
    const chunk = await file.readRange(name, start, count, { into: buffer.subarray(0, count) });
    for (; j < keep.length && (keep[j] as number) < end; j++) {
      out[j] = chunk[(keep[j] as number) - start] as number;
    }
  }
  return out;
}

/**
 * Prunes a stored checkpoint reading only what the pruned model needs: the ranked weight tensor
 * (when top-k or a threshold ranks by it) and, a step at a time, the kept dims of the other
 * per-input-dim tensors. At BERT scale that holds one 435 MB tensor instead of the whole 1.3 GB
 * model. It takes the case where GradiendModel.prune ranks raw weights (a valid safetensors
 * checkpoint stored in its own float32/float64 dtype, latent dim 1, more input dims than the exact
 * tie emulation covers), so the selection is prune's own; null for every other checkpoint or
 * option (the caller loads the model and prunes it).
 */
export async function pruneStoredCheckpoint(
  dir: string,
  options: PruneOptions,
  compute: { readonly kernels?: InputKernels } = {},
): Promise<StoredPruneResult | null> {
  if (options.inplace || isKeepEverything(options)) return null;
  const headers = await readCheckpoint(dir, { weights: 'headers' });
  const { architecture: a, location, weights, problems } = headers;
  if (problems.length > 0 || weights === null || location.weightsFile !== WEIGHT_FILES.safetensors)
    return null;
  if (a.latentDim !== 1 || a.inputDim <= EXACT_TIE_EMULATION_LIMIT) return null;
  const stored = a.dtype === 'float32' ? 'F32' : a.dtype === 'float64' ? 'F64' : null;
  const layout = weightLayout(a);
  if (stored === null || !layout.every((s) => weights.some((w) => w.name === s.name && w.dtype === stored)))
    return null;
  const ranks = (given(options.topk) || given(options.threshold)) && !given(options.importance);
  const rankedName = RANKED_TENSOR[options.part ?? 'decoder-weight'];
  if (ranks && (rankedName === undefined || !layout.some((s) => s.name === rankedName))) return null;

  const file = await SafetensorsFile.open(path.join(location.weightsDirectory, location.weightsFile));
  try {
    const ranked = ranks && rankedName ? ((await file.readTensor(rankedName)).data as FloatArray) : null;
    const selection = selectInputDims(options, {
      inputDim: a.inputDim,
      dtype: a.dtype,
      // Only called when top-k or a threshold ranks, i.e. when `ranked` was read.
      weightImportance: () => ({ values: ranked as FloatArray, absolute: true }),
      bandScan: compute.kernels?.bandScan,
    });
    const keep = selection.keepIdx;
    const tensors = new Map<string, Tensor>();
    for (const slot of layout) {
      const info = file.info(slot.name);
      // Encoder weight [1, n], decoder weight [n, 1] and decoder bias [n] lose the pruned dims;
      // the encoder bias and LayerNorm weights stay whole.
      if (!slot.shape.includes(a.inputDim)) {
        tensors.set(slot.name, await file.readTensor(slot.name));
        continue;
      }
      const data =
        slot.name === rankedName && ranked
          ? gather(ranked, keep)
          : await gatherFromFile(file, slot.name, stored, keep);
      const shape = slot.shape.map((d) => (d === a.inputDim ? keep.length : d));
      tensors.set(slot.name, { dtype: info.dtype, shape, data } as Tensor);
    }
    const architecture = { ...a, inputDim: keep.length };
    const paramMap = remapParamMap(headers.paramMap, keep);
    const model = buildModel(location.config, architecture, paramMap, tensors, headers.training);
    return { model, headers, ...selection };
  } finally {
    await file.close();
  }
}
