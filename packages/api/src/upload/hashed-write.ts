import type { Readable } from 'node:stream';
import { ApiError } from '../errors/api-error.js';
import type { BlobInfo } from '../storage/blob-store.js';
import { writeHashedFile } from '../storage/write-hashed-file.js';

/** Counts bytes across every file of one upload and stops the stream once the limit is passed. */
export class ByteBudget {
  private used = 0;
  constructor(
    readonly limit: number,
    /** Says why the limit is what it is, e.g. for an archive's expansion cap. */
    private readonly what = `upload exceeds the limit of ${limit} bytes`,
    /** Also charged with every chunk (e.g. the budget all extractions share). */
    private readonly shared?: { take(bytes: number): void },
  ) {}

  take(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new ApiError('GRADIEND_ERR_UPLOAD_TOO_LARGE', this.what, { limit: this.limit });
    }
    this.shared?.take(bytes);
  }

  get total(): number {
    return this.used;
  }
}

/** Streams `source` to `target`, hashing on the way and charging every chunk to `budget`. */
export function writeHashed(source: Readable, target: string, budget: ByteBudget): Promise<BlobInfo> {
  return writeHashedFile(source, target, (bytes) => budget.take(bytes));
}
