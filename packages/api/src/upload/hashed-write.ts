import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../errors/api-error.js';
import type { BlobInfo } from '../storage/blob-store.js';

/** Counts bytes across every file of one upload and stops the stream once the limit is passed. */
export class ByteBudget {
  private used = 0;
  constructor(readonly limit: number) {}

  take(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new ApiError('GRADIEND_ERR_UPLOAD_TOO_LARGE', `upload exceeds the limit of ${this.limit} bytes`, {
        limit: this.limit,
      });
    }
  }

  get total(): number {
    return this.used;
  }
}

/** Streams `source` to `target`, hashing on the way; never holds more than a chunk in memory. */
export async function writeHashed(source: Readable, target: string, budget: ByteBudget): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        budget.take(chunk.length);
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
