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

/** Bytes per read of readConcurrently: large enough that a read's own cost does not show. */
export const CONCURRENT_READ_CHUNK_BYTES = 16 * 1024 * 1024;
/** Reads in flight: libuv's default thread pool size, so every pool thread copies at once. */
export const CONCURRENT_READS = 4;

/**
 * readFully with up to `concurrency` chunk reads in flight at a time, each on its own thread of
 * libuv's pool: copying a file out of the page cache is bound by one core's memory copy, so
 * parallel reads of a 1.3 GB checkpoint take ≈0.3 s instead of ≈0.5 s on two cores. Same result as
 * readFully: the bytes read from `position` on, less than target.length only if the file ended.
 */
export async function readConcurrently(
  file: PositionalFile,
  target: Uint8Array,
  position: number,
  chunkBytes = CONCURRENT_READ_CHUNK_BYTES,
  concurrency = CONCURRENT_READS,
): Promise<number> {
  checkChunkBytes(chunkBytes);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const chunks = Math.ceil(target.length / chunkBytes);
  if (chunks <= 1) return readFully(file, target, position, chunkBytes);
  const got = new Array<number>(chunks).fill(0);
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let c = next++; c < chunks; c = next++) {
      const start = c * chunkBytes;
      const view = target.subarray(start, Math.min(start + chunkBytes, target.length));
      got[c] = await readFully(file, view, position + start, chunkBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks) }, reader));
  // What was read without a gap: a short chunk is where the file ended.
  let done = 0;
  for (let c = 0; c < chunks; c++) {
    done += got[c] as number;
    if ((got[c] as number) < Math.min(chunkBytes, target.length - c * chunkBytes)) break;
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
