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

/** Sees each saved file's bytes as they are written (e.g. to hash them without reading them back). */
export type SavedBytesObserver = (file: string, bytes: Uint8Array) => void;

/**
 * Saves a checkpoint folder the Python library loads (safetensors format). Every file is written
 * atomically; config.json goes last so a reader never sees a config pointing at missing files.
 * Returns the names of the files written; `onBytes` sees every byte of each, in file order.
 */
export async function saveCheckpoint(
  dir: string,
  model: GradiendModel,
  options: SaveOptions = {},
  onBytes?: SavedBytesObserver,
): Promise<string[]> {
  const plan = planCheckpoint(model, options);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const writeTensors = async (name: string, entries: Parameters<typeof writeSafetensorsFile>[1]) => {
    const observe = onBytes ? { onBytes: (bytes: Uint8Array) => onBytes(name, bytes) } : {};
    await writeSafetensorsFile(path.join(dir, name), entries, undefined, observe);
    written.push(name);
  };
  const writeText = async (name: string, text: string) => {
    const bytes = new TextEncoder().encode(text);
    await writeFileAtomic(path.join(dir, name), bytes);
    onBytes?.(name, bytes);
    written.push(name);
  };
  await writeTensors(WEIGHT_FILES.safetensors, plan.weights);
  if (plan.mappingIndices) await writeTensors(`${MAPPING_STEMS.indices}.safetensors`, plan.mappingIndices);
  if (plan.mappingMasks) await writeTensors(`${MAPPING_STEMS.masks}.safetensors`, plan.mappingMasks);
  for (const [name, text] of plan.jsonFiles) await writeText(name, text);
  await writeText(CONFIG_FILE, plan.config);
  return written;
}
