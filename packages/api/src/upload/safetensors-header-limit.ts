import fs from 'node:fs/promises';
import { ApiError } from '../errors/api-error.js';

/**
 * Longest safetensors header the server reads. The format allows 100 MB (the reference reader's
 * limit), but a GRADIEND checkpoint or gradient dict holds a few hundred tensors at most (a few
 * dozen KiB of header); a header of millions of tensors or metadata keys would only cost seconds
 * of parsing and gigabytes of memory.
 */
export const MAX_SAFETENSORS_HEADER_BYTES = 4 * 1024 * 1024;

/** Checks the u64 header length that opens a safetensors file (`prefix`: its first 8 bytes). */
export function checkSafetensorsHeaderLength(prefix: Uint8Array, name: string): void {
  if (prefix.byteLength < 8) return; // Too short to be safetensors: the core's reader says so.
  const length = Buffer.from(prefix.buffer, prefix.byteOffset, 8).readBigUInt64LE(0);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new ApiError(
      'GRADIEND_ERR_SAFETENSORS_FORMAT',
      `${name}: safetensors header of ${length} bytes exceeds the server's limit of ${MAX_SAFETENSORS_HEADER_BYTES}`,
      { file: name },
    );
  }
}

/** `checkSafetensorsHeaderLength` for a file on disk. */
export async function checkSafetensorsFile(file: string, name: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    checkSafetensorsHeaderLength(prefix.subarray(0, bytesRead), name);
  } finally {
    await handle.close();
  }
}
