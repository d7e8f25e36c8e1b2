import type { JsonValue } from '../json/index.js';
import type { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from '../model/gradiend-model.js';
import type { GradiendArchitecture } from '../model/types.js';
import { weightsFromStateDict } from '../model/weight-layout.js';
import { castToModelDType } from '../tensor/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CheckpointConfig } from './checkpoint-config.js';
import { checkpointProblems, headersOf, readParamMap, resolveEncoderBias } from './checkpoint-rules.js';
import { WEIGHT_FILES } from './state-dict-names.js';

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

/**
 * Builds the model, checking every weight and mapping tensor against config.json by the rules of
 * checkpoint-rules (the first broken one is thrown).
 */
export function assembleModel(
  parts: CheckpointParts,
  weightsFile: string = WEIGHT_FILES.safetensors,
): GradiendModel {
  const { config, weights } = parts;
  const paramMap = readParamMap(config, { indices: parts.mappingIndices, masks: parts.mappingMasks });
  const headers = headersOf(weights);
  const architecture = resolveEncoderBias(config.architecture, headers);
  const [problem] = checkpointProblems(architecture, paramMap, headers, weightsFile);
  if (problem) throw problem;
  return buildModel(config, architecture, paramMap, weights, parts.training ?? null);
}

/**
 * The model of a checkpoint whose state dict and param map already passed checkpointProblems for
 * `architecture`: casts each weight to torch_dtype (as torch's load_state_dict copies into the
 * parameters) and keeps config.json so a save writes what this version does not interpret.
 */
export function buildModel(
  config: CheckpointConfig,
  architecture: GradiendArchitecture,
  paramMap: ParamMap,
  weights: ReadonlyMap<string, Tensor>,
  training: JsonValue | null,
): GradiendModel {
  const gradiendWeights = weightsFromStateDict(architecture, (name) => {
    // checkpointProblems found every weight of the layout present.
    const t = weights.get(name) as Tensor;
    return castToModelDType(t, architecture.dtype);
  });
  const metadata = config.metadata;
  if (training !== null && !metadata.has('training')) metadata.set('training', training);
  return new GradiendModel(architecture, gradiendWeights, paramMap, metadata, { config: config.document });
}
