/**
 * A single fs read or write is capped just under 2 GiB, so large tensors move in chunks of at most
 * 1 GiB. Positions are plain numbers: exact up to 2^53, far beyond any file we will see.
 */
export const MAX_IO_CHUNK_BYTES = 2 ** 30;

/** The slice of fs/promises FileHandle we use; tests substitute a fake to exercise chunking. */
export interface PositionalFile {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
}

function checkChunkBytes(chunkBytes: number): void {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0 || chunkBytes > MAX_IO_CHUNK_BYTES) {
    throw new RangeError(`chunkBytes must be an integer in [1, ${MAX_IO_CHUNK_BYTES}], got ${chunkBytes}`);
  }
}

/**
 * Fills `target` from `position` on, tolerating short reads. Returns the bytes read, which is less
 * than target.length only if the file ended first.
 */
export async function readFully(
  file: PositionalFile,
  target: Uint8Array,
  position: number,
  chunkBytes = MAX_IO_CHUNK_BYTES,
): Promise<number> {
  checkChunkBytes(chunkBytes);
  let done = 0;
  while (done < target.length) {
    const length = Math.min(chunkBytes, target.length - done);
    const { bytesRead } = await file.read(target, done, length, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes all of `source` at `position`, tolerating short writes. */
export async function writeFully(
  file: PositionalFile,
  source: Uint8Array,
  position: number,
  chunkBytes = MAX_IO_CHUNK_BYTES,
): Promise<void> {
  checkChunkBytes(chunkBytes);
  let done = 0;
  while (done < source.length) {
    const length = Math.min(chunkBytes, source.length - done);
    const { bytesWritten } = await file.write(source, done, length, position + done);
    if (bytesWritten <= 0) throw new Error(`write at byte ${position + done} made no progress`);
    done += bytesWritten;
  }
}
