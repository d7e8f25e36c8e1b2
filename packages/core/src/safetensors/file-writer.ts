import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { MAX_IO_CHUNK_BYTES, writeFully } from './chunked-io.js';
import { tensorsToWrite } from './entries.js';
import type { SafetensorsEntries } from './entries.js';
import { assertLittleEndianHost } from './host-endianness.js';
import { planTensorsLayout } from './serialize.js';
import { bytesOf } from './tensor-bytes.js';

export interface WriteSafetensorsOptions {
  /** Largest single write, in bytes (default and maximum 1 GiB). Small values are for tests. */
  readonly chunkBytes?: number;
  /**
   * Sees every byte of the file once, in file order (header, then each tensor's data), as it is
   * written: lets a caller hash or count the file without reading it back.
   */
  readonly onBytes?: (bytes: Uint8Array) => void;
}

/**
 * Writes tensors to `filePath`, byte-identical to Python `safetensors.torch.save_file`. Data is
 * streamed tensor by tensor from the typed arrays (no whole-file buffer) into a temporary file in
 * the same directory, fsynced, then renamed over `filePath`, so readers never see a partial file.
 */
export async function writeSafetensorsFile(
  filePath: string,
  entries: SafetensorsEntries,
  metadata?: Readonly<Record<string, string>> | null,
  options: WriteSafetensorsOptions = {},
): Promise<void> {
  assertLittleEndianHost();
  const chunkBytes = options.chunkBytes ?? MAX_IO_CHUNK_BYTES;
  const tensors = tensorsToWrite(entries);
  const layout = planTensorsLayout(tensors, metadata);
  const tmpPath = path.join(
    path.dirname(filePath),
    `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(tmpPath, 'wx');
  let closed = false;
  try {
    await writeFully(handle, layout.headerBytes, 0, chunkBytes);
    options.onBytes?.(layout.headerBytes);
    let position = layout.headerBytes.length;
    for (const slot of layout.order) {
      const t = tensors.get(slot.name);
      if (t === undefined) throw new Error(`layout lists '${slot.name}', which was not given`);
      const bytes = bytesOf(t.data);
      const at = layout.dataStart + slot.begin;
      // onBytes promises file order without gaps; the layout packs tensors back to back.
      if (options.onBytes && at !== position) throw new Error(`layout leaves a gap before '${slot.name}'`);
      await writeFully(handle, bytes, at, chunkBytes);
      options.onBytes?.(bytes);
      position = at + bytes.length;
    }
    await handle.sync();
    closed = true;
    await handle.close();
    await rename(tmpPath, filePath);
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await rm(tmpPath, { force: true }).catch(() => undefined);
    throw error;
  }
}
