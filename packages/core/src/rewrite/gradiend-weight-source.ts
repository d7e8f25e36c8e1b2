import { readCheckpoint } from '../checkpoint/checkpoint-reader.js';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import { WEIGHT_FILES, WEIGHT_NAMES } from '../checkpoint/state-dict-names.js';
import type { ParamMap } from '../mapping/param-map.js';
import { toComputeArray } from '../model/compute-weights.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { FloatArray, GradiendArchitecture } from '../model/types.js';
import { SafetensorsFile } from '../safetensors/file-reader.js';
import path from 'node:path';

/** The GRADIEND weights a rewrite reads: decoder weight [input, latent], decoder bias, encoder weight [latent, input]. */
export type RewriteWeight = 'decoderWeight' | 'decoderBias' | 'encoderWeight';

/**
 * A GRADIEND's architecture, param map and weights, read range by range so that rewriting a base
 * model never needs the whole GRADIEND in memory (an unpruned BERT-base GRADIEND is > 1 GB).
 */
export interface GradiendWeightSource {
  readonly architecture: GradiendArchitecture;
  readonly paramMap: ParamMap;
  /**
   * `count` values of a weight's flattened data from `start`, in compute precision (float64 for
   * float64 models, else float32). null when the model has no such tensor (no decoder bias).
   * A fresh array the caller may modify — or, with `into` (a float32 array of `count` values for a
   * float32 model), filled into that buffer without allocating, when the stored dtype allows.
   */
  read(weight: RewriteWeight, start: number, count: number, into?: Float32Array): Promise<FloatArray | null>;
  close(): Promise<void>;
}

function precisionOf(arch: GradiendArchitecture): 'f32' | 'f64' {
  return arch.dtype === 'float64' ? 'f64' : 'f32';
}

/** A source over a model already in memory. */
export function weightSourceFromModel(model: GradiendModel): GradiendWeightSource {
  const cw = model.computeWeights();
  const arrays: Record<RewriteWeight, FloatArray | null> = {
    decoderWeight: cw.decoderWeight,
    decoderBias: cw.decoderBias,
    encoderWeight: cw.encoderWeight,
  };
  return {
    architecture: model.architecture,
    paramMap: model.paramMap,
    read(weight, start, count) {
      const a = arrays[weight];
      return Promise.resolve(a === null ? null : a.slice(start, start + count));
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A source over a checkpoint folder. Safetensors weights are read range by range; a
 * pytorch_model.bin (no random access) is loaded whole.
 */
export async function openGradiendWeightSource(dir: string): Promise<GradiendWeightSource> {
  const headers = await readCheckpoint(dir, { weights: 'headers' });
  const [problem] = headers.problems;
  if (problem) throw problem;
  const { location, architecture, paramMap } = headers;
  if (location.weightsFile !== WEIGHT_FILES.safetensors) {
    return weightSourceFromModel((await loadCheckpoint(dir)).model);
  }
  const file = await SafetensorsFile.open(path.join(location.weightsDirectory, location.weightsFile));
  const precision = precisionOf(architecture);
  return {
    architecture,
    paramMap,
    async read(weight, start, count, into) {
      const name = WEIGHT_NAMES[weight];
      if (!file.has(name)) return null;
      const info = file.info(name);
      const reuse =
        into !== undefined && info.dtype === 'F32' && precision === 'f32' && into.length === count;
      const data = await file.readRange(name, start, count, reuse ? { into } : {});
      return toComputeArray({ dtype: info.dtype, shape: [count], data }, precision);
    },
    close: () => file.close(),
  };
}
