import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '../errors.js';
import type { JsonValue } from '../json/index.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { GradiendArchitecture } from '../model/types.js';
import type { WeightHeader } from '../model/weight-layout.js';
import { readSafetensorsHeaderFromFile } from '../safetensors/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { readTorchStateDict } from '../torch-zip/index.js';
import { CONFIG_FILE } from './checkpoint-config.js';
import { checkpointProblems, readParamMap, resolveEncoderBias } from './checkpoint-rules.js';
import type { CheckpointProblem, MappingTensors } from './checkpoint-rules.js';
import { fileBesideConfig, locateCheckpoint, readOptionalJson, readTensorFile } from './checkpoint-files.js';
import type { CheckpointLocation } from './checkpoint-files.js';
import { CONTEXT_FILE, TRAINING_FILE, WEIGHT_FILES } from './state-dict-names.js';

/** A weight tensor as its file's header describes it. */
export interface WeightEntry extends WeightHeader {
  readonly bytes: number;
}

/** Everything of a checkpoint but the weight data, with the rules applied. */
export interface CheckpointHeaders {
  readonly location: CheckpointLocation;
  /** config.json's architecture, `biasEncoder` settled by the state dict when the config is silent. */
  readonly architecture: GradiendArchitecture;
  readonly paramMap: ParamMap;
  /** The weights' headers; null for a pytorch_model.bin read headers-only (it has no cheap header). */
  readonly weights: readonly WeightEntry[] | null;
  readonly training: JsonValue | null;
  readonly gradiendContext: JsonValue | null;
  /** Broken rules (see checkpointProblems), in order; empty for a valid checkpoint. */
  readonly problems: readonly CheckpointProblem[];
}

async function readMappingFile(
  location: CheckpointLocation,
  name: string | null,
  what: string,
): Promise<Map<string, Tensor> | null> {
  if (name === null) return null;
  const file = fileBesideConfig(location, name, what);
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) {
    throw new CheckpointError(`config.json: ${what} '${name}' is not in the checkpoint folder`, CONFIG_FILE);
  }
  return readTensorFile(file);
}

async function readMappingTensors(location: CheckpointLocation): Promise<MappingTensors> {
  const { indicesFile, masksFile } = location.config.mapping;
  return {
    indices: await readMappingFile(location, indicesFile, 'indices_file'),
    masks: await readMappingFile(location, masksFile, 'masks_file'),
  };
}

/**
 * The one reader behind inspectCheckpoint and loadCheckpoint. Both take the same steps in the same
 * order — config.json, the weights' header, the mapping tensors, training.json and
 * gradiend_context.json (each throws on a broken file), then checkpointProblems — so a broken
 * checkpoint fails both the same way. With `weights: 'tensors'` the first problem is thrown and
 * the weights are read (after the checks, so a bad 1 GB upload is refused before its data is read);
 * a pytorch_model.bin, having no cheap header, is read at the header step.
 */
export async function readCheckpoint(
  dir: string,
  options: { weights: 'headers' },
): Promise<CheckpointHeaders>;
export async function readCheckpoint(
  dir: string,
  options: { weights: 'tensors'; sharedMemory?: boolean },
): Promise<CheckpointHeaders & { readonly tensors: Map<string, Tensor> }>;
export async function readCheckpoint(
  dir: string,
  options: { weights: 'headers' | 'tensors'; sharedMemory?: boolean },
): Promise<CheckpointHeaders & { readonly tensors?: Map<string, Tensor> }> {
  const location = await locateCheckpoint(dir);
  const weightsPath = path.join(location.weightsDirectory, location.weightsFile);
  let tensors: Map<string, Tensor> | null = null;
  let weights: WeightEntry[] | null = null;
  if (location.weightsFile === WEIGHT_FILES.safetensors) {
    const header = await readSafetensorsHeaderFromFile(weightsPath);
    weights = header.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      bytes: t.byteLength,
    }));
  } else if (options.weights === 'tensors') {
    tensors = await readTorchStateDict(weightsPath);
    weights = [...tensors].map(([name, t]) => ({
      name,
      dtype: t.dtype,
      shape: t.shape,
      bytes: t.data.byteLength,
    }));
  }
  const paramMap = readParamMap(location.config, await readMappingTensors(location));
  const training = await readOptionalJson(path.join(location.directory, TRAINING_FILE));
  const gradiendContext = await readOptionalJson(path.join(location.directory, CONTEXT_FILE));
  const architecture = resolveEncoderBias(location.config.architecture, weights);
  const problems = checkpointProblems(architecture, paramMap, weights, location.weightsFile);
  const headers = { location, architecture, paramMap, weights, training, gradiendContext, problems };
  if (options.weights === 'headers') return headers;
  const [problem] = problems;
  if (problem) throw problem;
  return {
    ...headers,
    tensors: tensors ?? (await readTensorFile(weightsPath, { sharedMemory: options.sharedMemory ?? false })),
  };
}
