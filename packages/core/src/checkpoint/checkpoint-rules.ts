import { CheckpointError, MappingError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import type { ParamSelectionSpec } from '../mapping/types.js';
import type { GradiendArchitecture } from '../model/types.js';
import { weightProblems } from '../model/weight-layout.js';
import type { WeightHeader } from '../model/weight-layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { numelOf, typedTensor } from '../tensor/tensor.js';
import { toFloat64 } from '../tensor/convert.js';
import { CONFIG_FILE } from './checkpoint-config.js';
import type { CheckpointConfig, MappingConfig, MappingEntryConfig } from './checkpoint-config.js';
import { WEIGHT_NAMES } from './state-dict-names.js';

// The rules a checkpoint must satisfy, on what its files' headers say (no weight data). Reading a
// checkpoint in full (loadCheckpoint, assembleModel) and describing it from headers
// (inspectCheckpoint) both apply exactly these, so both reject a bad checkpoint the same way.

/** A violated rule that does not stop reading: the reader collects these, the loader throws the first. */
export type CheckpointProblem = CheckpointError | MappingError;

/** The mapping tensors of a checkpoint, keyed as config.json's `key` fields name them. */
export interface MappingTensors {
  readonly indices: ReadonlyMap<string, Tensor> | null;
  readonly masks: ReadonlyMap<string, Tensor> | null;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** One param_map entry as a selection, checking its mapping tensor (presence, dtype, shape). */
export function selectionSpec(
  e: MappingEntryConfig,
  mapping: MappingConfig,
  tensors: MappingTensors,
): ParamSelectionSpec {
  if (e.repr === 'all') return { name: e.name, shape: e.shape, repr: 'all' };
  const isMask = e.repr === 'mask';
  const file = isMask ? mapping.masksFile : mapping.indicesFile;
  const found = isMask ? tensors.masks : tensors.indices;
  if (!file || !found) {
    throw new CheckpointError(
      `config.json: param '${e.name}' uses repr '${e.repr}' but mapping.${isMask ? 'masks' : 'indices'}_file is not set`,
      CONFIG_FILE,
    );
  }
  const t = e.key === null ? undefined : found.get(e.key);
  if (!t) throw new CheckpointError(`${file}: tensor '${e.key}' for param '${e.name}' is missing`, file);
  const tt = typedTensor(t);
  if (isMask) {
    if (tt.dtype !== 'U8' && tt.dtype !== 'BOOL') {
      throw new CheckpointError(
        `${file}: mask '${e.key}' for param '${e.name}' must be U8 or BOOL, got ${tt.dtype}`,
        file,
      );
    }
    if (numelOf(tt.shape) !== numelOf(e.shape)) {
      throw new CheckpointError(
        `${file}: mask '${e.key}' has shape ${shapeText(tt.shape)} but param '${e.name}' has shape ${shapeText(e.shape)}`,
        file,
      );
    }
    return { name: e.name, shape: e.shape, repr: 'mask', mask: tt.data };
  }
  if (tt.shape.length !== 1) {
    throw new CheckpointError(
      `${file}: indices '${e.key}' must be 1-D, got shape ${shapeText(tt.shape)}`,
      file,
    );
  }
  switch (tt.dtype) {
    case 'I64':
      // Exact below 2^53, far beyond any parameter's size; ParamMapEntry checks the range.
      return { name: e.name, shape: e.shape, repr: 'indices', indices: toFloat64(tt) };
    case 'I32':
    case 'I16':
    case 'I8':
    case 'U8':
      return { name: e.name, shape: e.shape, repr: 'indices', indices: tt.data };
    default:
      throw new CheckpointError(
        `${file}: indices '${e.key}' for param '${e.name}' must be integers, got ${tt.dtype}`,
        file,
      );
  }
}

/** The param map config.json and the mapping tensors describe; throws at the first bad entry. */
export function readParamMap(config: CheckpointConfig, tensors: MappingTensors): ParamMap {
  return ParamMap.fromSpecs(config.mapping.entries.map((e) => selectionSpec(e, config.mapping, tensors)));
}

/**
 * The architecture with `biasEncoder` settled: a config.json without `bias_encoder` (every version
 * before the key existed) leaves it to the state dict, as newer library versions do on load.
 */
export function resolveEncoderBias(
  arch: GradiendArchitecture,
  weights: readonly WeightHeader[] | null,
): GradiendArchitecture {
  if (arch.biasEncoder !== undefined || weights === null) return arch;
  return weights.some((w) => w.name === WEIGHT_NAMES.encoderBias) ? arch : { ...arch, biasEncoder: false };
}

/**
 * Every rule the checkpoint breaks once its config and mapping have been read, in a fixed order:
 * the weights against the architecture (see weightProblems; skipped when `weights` is null, i.e. a
 * pytorch_model.bin described without reading it), then the param map's size against input_dim.
 */
export function checkpointProblems(
  arch: GradiendArchitecture,
  paramMap: ParamMap,
  weights: readonly WeightHeader[] | null,
  weightsFile: string,
): CheckpointProblem[] {
  const problems: CheckpointProblem[] = [];
  if (weights) {
    for (const p of weightProblems(arch, weights))
      problems.push(new CheckpointError(`${weightsFile}: ${p}`, weightsFile));
  }
  if (paramMap.selectedTotal !== arch.inputDim) {
    problems.push(
      new MappingError(
        `param map selects ${paramMap.selectedTotal} entries in total but input_dim is ${arch.inputDim}`,
      ),
    );
  }
  return problems;
}

/** Headers of an in-memory state dict. */
export function headersOf(weights: ReadonlyMap<string, Tensor>): WeightHeader[] {
  return [...weights].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
}
