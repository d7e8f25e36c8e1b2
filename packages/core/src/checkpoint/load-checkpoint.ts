import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '../errors.js';
import { parseJson, toPlain } from '../json/index.js';
import type { JsonValue } from '../json/index.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { SafetensorsFile } from '../safetensors/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { readTorchStateDict } from '../torch-zip/index.js';
import { assembleModel } from './assemble-model.js';
import { CONFIG_FILE, parseCheckpointConfig } from './checkpoint-config.js';
import type { CheckpointConfig } from './checkpoint-config.js';
import { CONTEXT_FILE, TRAINING_FILE, WEIGHT_FILES } from './state-dict-names.js';

export interface CheckpointFile {
  readonly name: string;
  readonly bytes: number;
}

export interface LoadedCheckpoint {
  readonly model: GradiendModel;
  /** The folder the files were read from (the nested `model/` folder when weights live there). */
  readonly directory: string;
  readonly config: CheckpointConfig;
  /** training.json, parsed (null when absent). */
  readonly training: unknown;
  /** gradiend_context.json, parsed (null when absent). */
  readonly gradiendContext: unknown;
  readonly files: readonly CheckpointFile[];
}

async function fileSize(p: string): Promise<number | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/** Finds where the weights live: the folder itself or, like the reference, a nested `model/` folder. */
export async function resolveWeightsDirectory(
  dir: string,
): Promise<{ weightsDir: string; weightsFile: string }> {
  for (const d of [dir, path.join(dir, 'model')]) {
    for (const f of [WEIGHT_FILES.safetensors, WEIGHT_FILES.torch]) {
      if ((await fileSize(path.join(d, f))) !== null) return { weightsDir: d, weightsFile: f };
    }
  }
  throw new CheckpointError(
    `No model weights found in ${dir} (expected ${WEIGHT_FILES.safetensors} or ${WEIGHT_FILES.torch})`,
  );
}

/** Reads a tensor file (.safetensors by ranged reads per tensor, else a PyTorch zip). */
export async function readTensorFile(file: string): Promise<Map<string, Tensor>> {
  if (file.endsWith('.safetensors')) {
    const f = await SafetensorsFile.open(file);
    try {
      return await f.readAll();
    } finally {
      await f.close();
    }
  }
  return readTorchStateDict(file);
}

async function readOptionalJson(file: string): Promise<JsonValue | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return parseJson(text);
  } catch (e) {
    throw new CheckpointError(
      `${path.basename(file)}: not valid JSON (${(e as Error).message})`,
      path.basename(file),
    );
  }
}

function insideFolder(dir: string, name: string, what: string): string {
  const p = path.resolve(dir, name);
  if (path.dirname(p) !== path.resolve(dir)) {
    throw new CheckpointError(
      `config.json: ${what} '${name}' must be a file name inside the checkpoint folder`,
      CONFIG_FILE,
    );
  }
  return p;
}

/** Loads a checkpoint folder written by the reference's save_pretrained (or by us). */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const { weightsDir, weightsFile } = await resolveWeightsDirectory(dir);
  let configText: string;
  const configDir = (await fileSize(path.join(dir, CONFIG_FILE))) !== null ? dir : weightsDir;
  try {
    configText = await readFile(path.join(configDir, CONFIG_FILE), 'utf8');
  } catch {
    throw new CheckpointError(`config.json not found in ${dir}`, CONFIG_FILE);
  }
  const config = parseCheckpointConfig(configText);
  const { indicesFile, masksFile } = config.mapping;
  const weights = await readTensorFile(path.join(weightsDir, weightsFile));
  const mappingIndices = indicesFile
    ? await readTensorFile(insideFolder(configDir, indicesFile, 'indices_file'))
    : null;
  const mappingMasks = masksFile
    ? await readTensorFile(insideFolder(configDir, masksFile, 'masks_file'))
    : null;
  const trainingJson = await readOptionalJson(path.join(configDir, TRAINING_FILE));
  const contextJson = await readOptionalJson(path.join(configDir, CONTEXT_FILE));
  const model = assembleModel(
    { config, weights, mappingIndices, mappingMasks, training: trainingJson },
    weightsFile,
  );

  const names = [CONFIG_FILE, weightsFile, indicesFile, masksFile, TRAINING_FILE, CONTEXT_FILE];
  const files: CheckpointFile[] = [];
  for (const name of names) {
    if (!name) continue;
    const bytes = await fileSize(path.join(name === weightsFile ? weightsDir : configDir, name));
    if (bytes !== null) files.push({ name, bytes });
  }
  return {
    model,
    directory: configDir,
    config,
    training: trainingJson === null ? null : toPlain(trainingJson),
    gradiendContext: contextJson === null ? null : toPlain(contextJson),
    files,
  };
}
