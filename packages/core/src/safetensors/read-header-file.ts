import { SafetensorsFile } from './file-reader.js';
import type { SafetensorsHeader } from './types.js';

/** Reads and validates just the header of a safetensors file. */
export async function readSafetensorsHeaderFromFile(path: string): Promise<SafetensorsHeader> {
  const file = await SafetensorsFile.open(path);
  await file.close();
  return file.header;
}
