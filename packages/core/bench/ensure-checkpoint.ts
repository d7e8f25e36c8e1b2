import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CONFIG_FILE,
  parseCheckpointConfig,
  readSafetensorsHeaderFromFile,
  saveCheckpoint,
} from '../src/node.js';
import { bertParamMap, buildSyntheticModel, syntheticCheckpointDir } from './synthetic-model.js';

/** True when `dir` holds a finished synthetic checkpoint of the expected size (config.json is written last). */
export async function isCompleteCheckpoint(dir: string, inputDim: number): Promise<boolean> {
  try {
    const config = parseCheckpointConfig(await readFile(path.join(dir, CONFIG_FILE), 'utf8'));
    if (config.architecture.inputDim !== inputDim) return false;
    const header = await readSafetensorsHeaderFromFile(path.join(dir, 'model.safetensors'));
    return header.tensors.reduce((s, t) => s + t.numel, 0) === 3 * inputDim + 1;
  } catch {
    return false;
  }
}

/** Writes the synthetic checkpoint to its temp folder unless a complete one is already there. */
export async function ensureSyntheticCheckpoint(shrink: number): Promise<{ dir: string; reused: boolean }> {
  const dir = syntheticCheckpointDir(shrink);
  if (await isCompleteCheckpoint(dir, bertParamMap(shrink).selectedTotal)) return { dir, reused: true };
  await saveCheckpoint(dir, buildSyntheticModel({ shrink }));
  return { dir, reused: false };
}
