import { formatError } from './format-error.js';
import { LENGTH_PREFIX_BYTES, MAX_HEADER_BYTES } from './constants.js';

/**
 * Reads N, the header length, from the first 8 bytes of a file of `fileByteLength` bytes and checks
 * it the way the reference reader does: N ≤ 100 MB and 8 + N ≤ file length.
 */
export function readSafetensorsHeaderLength(prefix: Uint8Array, fileByteLength: number): number {
  if (!Number.isSafeInteger(fileByteLength) || fileByteLength < 0) {
    throw new RangeError(`fileByteLength must be a non-negative safe integer, got ${fileByteLength}`);
  }
  if (fileByteLength < LENGTH_PREFIX_BYTES) {
    throw formatError(
      'header-length',
      `file is ${fileByteLength} bytes, shorter than the ${LENGTH_PREFIX_BYTES}-byte header length prefix`,
    );
  }
  if (prefix.length < LENGTH_PREFIX_BYTES) {
    throw new RangeError(`prefix must hold at least ${LENGTH_PREFIX_BYTES} bytes, got ${prefix.length}`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, LENGTH_PREFIX_BYTES);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw formatError(
      'header-too-large',
      `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit of the reference reader`,
    );
  }
  const headerByteLength = Number(n);
  if (LENGTH_PREFIX_BYTES + headerByteLength > fileByteLength) {
    throw formatError(
      'header-out-of-bounds',
      `header length ${headerByteLength} runs past the end of the file: ${LENGTH_PREFIX_BYTES} + ${headerByteLength} > ${fileByteLength} bytes`,
    );
  }
  return headerByteLength;
}
