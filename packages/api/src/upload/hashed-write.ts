import type { Readable } from 'node:stream';
import { ApiError } from '../errors/api-error.js';
import type { BlobInfo } from '../storage/blob-store.js';
import { writeHashedFile } from '../storage/write-hashed-file.js';

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

/** Streams `source` to `target`, hashing on the way and charging every chunk to `budget`. */
export function writeHashed(source: Readable, target: string, budget: ByteBudget): Promise<BlobInfo> {
  return writeHashedFile(source, target, (bytes) => budget.take(bytes));
}
