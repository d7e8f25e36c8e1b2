import { stat } from 'node:fs/promises';
import path from 'node:path';
import { toPlain } from '../json/index.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { buildModel } from './assemble-model.js';
import { CONFIG_FILE } from './checkpoint-config.js';
import type { CheckpointConfig } from './checkpoint-config.js';
import { readCheckpoint } from './checkpoint-reader.js';
import { CONTEXT_FILE, TRAINING_FILE } from './state-dict-names.js';

export { readTensorFile, resolveWeightsDirectory } from './checkpoint-files.js';

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

export interface LoadCheckpointOptions {
  /**
   * Read the weights (model.safetensors) into SharedArrayBuffers, so the kernel pool's workers use
   * them without a copy. The bytes and the model are the same either way.
   */
  readonly sharedMemory?: boolean;
}

async function fileSize(p: string): Promise<number | null> {
  const s = await stat(p).catch(() => null);
  return s?.isFile() ? s.size : null;
}

/**
 * Loads a checkpoint folder written by the reference's save_pretrained (or by us), rejecting it by
 * the rules of checkpoint-rules before any weight data is read (see readCheckpoint).
 */
export async function loadCheckpoint(
  dir: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const read = await readCheckpoint(dir, { weights: 'tensors', sharedMemory: options.sharedMemory ?? false });
  const { location } = read;
  const model = buildModel(location.config, read.architecture, read.paramMap, read.tensors, read.training);

  const { indicesFile, masksFile } = location.config.mapping;
  const names = [CONFIG_FILE, location.weightsFile, indicesFile, masksFile, TRAINING_FILE, CONTEXT_FILE];
  const files: CheckpointFile[] = [];
  for (const name of names) {
    if (!name) continue;
    const folder = name === location.weightsFile ? location.weightsDirectory : location.directory;
    const bytes = await fileSize(path.join(folder, name));
    if (bytes !== null) files.push({ name, bytes });
  }
  return {
    model,
    directory: location.directory,
    config: location.config,
    training: read.training === null ? null : toPlain(read.training),
    gradiendContext: read.gradiendContext === null ? null : toPlain(read.gradiendContext),
    files,
  };
}
