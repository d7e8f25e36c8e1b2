import { CheckpointError } from '../errors.js';
import type { JsonValue } from '../json/index.js';
import { ParamMap } from '../mapping/param-map.js';
import type { ParamSelectionSpec } from '../mapping/types.js';
import { GradiendModel } from '../model/gradiend-model.js';
import type { GradiendWeights } from '../model/types.js';
import { castToModelDType, toFloat64 } from '../tensor/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { numelOf } from '../tensor/tensor.js';
import type { CheckpointConfig, MappingEntryConfig } from './checkpoint-config.js';
import { WEIGHT_NAMES } from './state-dict-names.js';

/** A checkpoint's contents once its files are read. */
export interface CheckpointParts {
  readonly config: CheckpointConfig;
  /** The state dict from model.safetensors or pytorch_model.bin. */
  readonly weights: ReadonlyMap<string, Tensor>;
  readonly mappingIndices: ReadonlyMap<string, Tensor> | null;
  readonly mappingMasks: ReadonlyMap<string, Tensor> | null;
  /** Parsed training.json, merged into the metadata under `training` like the reference does. */
  readonly training?: JsonValue | null;
}

/** Builds the model, checking every weight and mapping tensor against config.json. */
export function assembleModel(parts: CheckpointParts, weightsFile = 'model.safetensors'): GradiendModel {
  const { architecture } = parts.config;
  const expected: string[] = [
    WEIGHT_NAMES.encoderWeight,
    WEIGHT_NAMES.encoderBias,
    WEIGHT_NAMES.decoderWeight,
  ];
  if (architecture.biasDecoder) expected.push(WEIGHT_NAMES.decoderBias);
  if (architecture.activationEncoder === 'id')
    expected.push(WEIGHT_NAMES.layerNormWeight, WEIGHT_NAMES.layerNormBias);
  for (const name of parts.weights.keys()) {
    if (!expected.includes(name))
      throw new CheckpointError(`${weightsFile}: unexpected weight '${name}'`, weightsFile);
  }
  const get = (name: string): Tensor => {
    const t = parts.weights.get(name);
    if (!t) throw new CheckpointError(`${weightsFile}: weight '${name}' is missing`, weightsFile);
    if (t.dtype !== 'F32' && t.dtype !== 'F64' && t.dtype !== 'F16' && t.dtype !== 'BF16') {
      throw new CheckpointError(
        `${weightsFile}: weight '${name}' has non-float dtype ${t.dtype}`,
        weightsFile,
      );
    }
    return castToModelDType(t, architecture.dtype);
  };
  const weights: GradiendWeights = {
    encoderWeight: get(WEIGHT_NAMES.encoderWeight),
    encoderBias: get(WEIGHT_NAMES.encoderBias),
    decoderWeight: get(WEIGHT_NAMES.decoderWeight),
    decoderBias: architecture.biasDecoder ? get(WEIGHT_NAMES.decoderBias) : null,
    encoderNorm:
      architecture.activationEncoder === 'id'
        ? { weight: get(WEIGHT_NAMES.layerNormWeight), bias: get(WEIGHT_NAMES.layerNormBias) }
        : null,
  };
  const specs = parts.config.mapping.entries.map((e) => selectionSpec(e, parts));
  const metadata = parts.config.metadata;
  if (parts.training !== undefined && parts.training !== null && !metadata.has('training')) {
    metadata.set('training', parts.training);
  }
  return new GradiendModel(architecture, weights, ParamMap.fromSpecs(specs), metadata);
}

function selectionSpec(e: MappingEntryConfig, parts: CheckpointParts): ParamSelectionSpec {
  if (e.repr === 'all') return { name: e.name, shape: e.shape, repr: 'all' };
  const file = e.repr === 'mask' ? parts.config.mapping.masksFile : parts.config.mapping.indicesFile;
  const tensors = e.repr === 'mask' ? parts.mappingMasks : parts.mappingIndices;
  if (!file || !tensors) {
    throw new CheckpointError(
      `config.json: param '${e.name}' uses repr '${e.repr}' but mapping.${e.repr === 'mask' ? 'masks' : 'indices'}_file is not set`,
    );
  }
  const t = tensors.get(e.key as string);
  if (!t) throw new CheckpointError(`${file}: tensor '${e.key}' for param '${e.name}' is missing`, file);
  if (e.repr === 'mask') {
    if (t.dtype !== 'U8' && t.dtype !== 'BOOL') {
      throw new CheckpointError(
        `${file}: mask '${e.key}' for param '${e.name}' must be U8 or BOOL, got ${t.dtype}`,
        file,
      );
    }
    if (numelOf(t.shape) !== numelOf(e.shape)) {
      throw new CheckpointError(
        `${file}: mask '${e.key}' has shape [${t.shape.join(', ')}] but param '${e.name}' has shape [${e.shape.join(', ')}]`,
        file,
      );
    }
    return { name: e.name, shape: e.shape, repr: 'mask', mask: t.data as Uint8Array };
  }
  if (!['I64', 'I32', 'I16', 'I8', 'U8'].includes(t.dtype)) {
    throw new CheckpointError(
      `${file}: indices '${e.key}' for param '${e.name}' must be integers, got ${t.dtype}`,
      file,
    );
  }
  if (t.shape.length !== 1) {
    throw new CheckpointError(
      `${file}: indices '${e.key}' must be 1-D, got shape [${t.shape.join(', ')}]`,
      file,
    );
  }
  const indices = t.dtype === 'I64' ? toFloat64(t) : (t.data as Int32Array);
  return { name: e.name, shape: e.shape, repr: 'indices', indices };
}
