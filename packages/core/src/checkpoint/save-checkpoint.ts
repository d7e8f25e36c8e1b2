import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { GradiendModel } from '../model/gradiend-model.js';
import { writeSafetensorsFile } from '../safetensors/node.js';
import { planCheckpoint } from './checkpoint-plan.js';
import type { SaveOptions } from './checkpoint-plan.js';
import { CONFIG_FILE } from './checkpoint-config.js';
import { MAPPING_STEMS, WEIGHT_FILES } from './state-dict-names.js';

/** Writes a small file atomically: temp file in the same folder, fsync, rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(tmp, file);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Saves a checkpoint folder the Python library loads (safetensors format). Every file is written
 * atomically; config.json goes last so a reader never sees a config pointing at missing files.
 * Returns the names of the files written.
 */
export async function saveCheckpoint(
  dir: string,
  model: GradiendModel,
  options: SaveOptions = {},
): Promise<string[]> {
  const plan = planCheckpoint(model, options);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  await writeSafetensorsFile(path.join(dir, WEIGHT_FILES.safetensors), plan.weights);
  written.push(WEIGHT_FILES.safetensors);
  if (plan.mappingIndices) {
    const name = `${MAPPING_STEMS.indices}.safetensors`;
    await writeSafetensorsFile(path.join(dir, name), plan.mappingIndices);
    written.push(name);
  }
  if (plan.mappingMasks) {
    const name = `${MAPPING_STEMS.masks}.safetensors`;
    await writeSafetensorsFile(path.join(dir, name), plan.mappingMasks);
    written.push(name);
  }
  for (const [name, text] of plan.jsonFiles) {
    await writeFileAtomic(path.join(dir, name), text);
    written.push(name);
  }
  await writeFileAtomic(path.join(dir, CONFIG_FILE), plan.config);
  written.push(CONFIG_FILE);
  return written;
}
