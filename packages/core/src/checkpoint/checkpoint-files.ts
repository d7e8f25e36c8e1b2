import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '../errors.js';
import { parseJson } from '../json/index.js';
import type { JsonValue } from '../json/index.js';
import { SafetensorsFile } from '../safetensors/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { readTorchStateDict } from '../torch-zip/index.js';
import { CONFIG_FILE, parseCheckpointConfig } from './checkpoint-config.js';
import type { CheckpointConfig } from './checkpoint-config.js';
import { WEIGHT_FILES } from './state-dict-names.js';

/** Where a checkpoint folder's files are, and its parsed config.json. */
export interface CheckpointLocation {
  /** The folder holding config.json (mapping, training and context files live beside it). */
  readonly directory: string;
  /** The folder holding the weights: the folder itself or, like the reference, a nested `model/`. */
  readonly weightsDirectory: string;
  readonly weightsFile: string;
  readonly config: CheckpointConfig;
}

async function isFile(p: string): Promise<boolean> {
  const s = await stat(p).catch(() => null);
  return s?.isFile() ?? false;
}

/** Finds where the weights live: the folder itself or, like the reference, a nested `model/` folder. */
export async function resolveWeightsDirectory(
  dir: string,
): Promise<{ weightsDir: string; weightsFile: string }> {
  for (const d of [dir, path.join(dir, 'model')]) {
    for (const f of [WEIGHT_FILES.safetensors, WEIGHT_FILES.torch]) {
      if (await isFile(path.join(d, f))) return { weightsDir: d, weightsFile: f };
    }
  }
  // No folder in the message: it reaches API clients (the CLI shows `folder`).
  throw new CheckpointError(
    `No model weights found (expected ${WEIGHT_FILES.safetensors} or ${WEIGHT_FILES.torch} in the checkpoint folder or its model/ folder)`,
    undefined,
    dir,
  );
}

/** Finds a checkpoint folder's config and weights and parses config.json. */
export async function locateCheckpoint(dir: string): Promise<CheckpointLocation> {
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new CheckpointError('checkpoint folder not found', undefined, dir);
  const { weightsDir, weightsFile } = await resolveWeightsDirectory(dir);
  const directory = (await isFile(path.join(dir, CONFIG_FILE))) ? dir : weightsDir;
  let text: string;
  try {
    text = await readFile(path.join(directory, CONFIG_FILE), 'utf8');
  } catch {
    throw new CheckpointError('config.json not found in the checkpoint folder', CONFIG_FILE, dir);
  }
  return { directory, weightsDirectory: weightsDir, weightsFile, config: parseCheckpointConfig(text) };
}

/** A file config.json names (indices_file, masks_file), which must sit in the checkpoint folder itself. */
export function fileBesideConfig(location: CheckpointLocation, name: string, what: string): string {
  const p = path.resolve(location.directory, name);
  if (path.dirname(p) !== path.resolve(location.directory)) {
    throw new CheckpointError(
      `config.json: ${what} '${name}' must be a file name inside the checkpoint folder`,
      CONFIG_FILE,
    );
  }
  return p;
}

/**
 * Reads a tensor file (.safetensors by ranged reads per tensor, else a PyTorch zip). `sharedMemory`
 * puts each safetensors tensor on a SharedArrayBuffer (PyTorch zips ignore it).
 */
export async function readTensorFile(
  file: string,
  options: { readonly sharedMemory?: boolean } = {},
): Promise<Map<string, Tensor>> {
  if (file.endsWith('.safetensors')) {
    const f = await SafetensorsFile.open(file);
    try {
      return await f.readAll(options);
    } finally {
      await f.close();
    }
  }
  return readTorchStateDict(file);
}

/** A JSON side file (training.json, gradiend_context.json), parsed keeping literals; null when absent. */
export async function readOptionalJson(file: string): Promise<JsonValue | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const name = path.basename(file);
  try {
    return parseJson(text);
  } catch (e) {
    throw new CheckpointError(`${name}: not valid JSON (${(e as Error).message})`, name);
  }
}
