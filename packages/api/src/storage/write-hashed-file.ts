import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobInfo } from './blob-store.js';

/**
 * Streams `source` into a new file `target`, hashing on the way, never holding more than a chunk.
 * `onChunk` sees every chunk's size first and may throw to stop the stream (e.g. a byte budget).
 */
export async function writeHashedFile(
  source: Readable,
  target: string,
  onChunk?: (bytes: number) => void,
): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        onChunk?.(chunk.length);
      } catch (error) {
        callback(error as Error);
        return;
      }
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(source, meter, createWriteStream(target, { flags: 'wx' }));
  return { sha256: hash.digest('hex'), size };
}

/**
 * BlobStore.put for stores that take a finished file: stream into a temp file under `tmpDir`, check
 * it against `expected`, then hand it to `putFile` (which moves or uploads it). The temp file is
 * always gone afterwards.
 */
export async function putThroughTempFile(
  source: Readable,
  tmpDir: string,
  expected: BlobInfo | undefined,
  putFile: (file: string, info: BlobInfo) => Promise<BlobInfo>,
): Promise<BlobInfo> {
  const tmp = path.join(tmpDir, `blob-${randomUUID()}`);
  try {
    const info = await writeHashedFile(source, tmp);
    if (expected && (expected.sha256 !== info.sha256 || expected.size !== info.size)) {
      throw new Error(`blob content mismatch: expected ${expected.sha256} (${expected.size} B)`);
    }
    return await putFile(tmp, info);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
