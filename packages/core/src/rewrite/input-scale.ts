import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveWeightsDirectory } from '../checkpoint/checkpoint-files.js';
import { TRAINING_FILE } from '../checkpoint/state-dict-names.js';

/**
 * training.json's `input_scale` of a checkpoint folder (beside config.json or in its model/
 * folder), or null. GRADIENDs trained on gradients divided by this scale decode in those units, so
 * the demo's rewrite multiplies the learning rate by it.
 */
export async function readInputScale(dir: string): Promise<number | null> {
  const { weightsDir } = await resolveWeightsDirectory(dir);
  for (const folder of [dir, weightsDir]) {
    const text = await readFile(path.join(folder, TRAINING_FILE), 'utf8').catch(() => null);
    if (text === null) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    const scale = (parsed as { input_scale?: unknown } | null)?.input_scale;
    return typeof scale === 'number' && Number.isFinite(scale) && scale !== 0 ? scale : null;
  }
  return null;
}
