import { ApiError } from '../errors/api-error.js';

/** How far an archive may expand; docs/api.md (Limits) lists these. */
export const EXTRACT_LIMITS = {
  /**
   * Extracted bytes per compressed byte. float32 weights barely compress (≈1.1×); 20× leaves room
   * for sparse or pruned tensors, while a zero-filled bomb (≈1000×) stops early.
   */
  ratio: 20,
  /** Allowed on top of the ratio: small archives of JSON and mapping files compress well. */
  slackBytes: 64 * 1024 * 1024,
  /** Default budget for the bytes all extractions in flight hold together on disk. */
  globalBytes: 16 * 1024 ** 3,
} as const;

/** What one archive may extract to: its size times the ratio, plus the slack, at most `maxBytes`. */
export function extractionCap(archiveBytes: number, maxBytes: number): number {
  return Math.min(maxBytes, archiveBytes * EXTRACT_LIMITS.ratio + EXTRACT_LIMITS.slackBytes);
}

export interface Lease {
  take(bytes: number): void;
  release(): void;
}

/** Bytes all archive extractions in flight may hold together; each upload takes a lease. */
export class SharedByteBudget {
  private inUse = 0;
  constructor(readonly limit: number) {}

  get used(): number {
    return this.inUse;
  }

  lease(): Lease {
    let held = 0;
    return {
      take: (bytes: number) => {
        if (this.inUse + bytes > this.limit) {
          throw new ApiError(
            'GRADIEND_ERR_UPLOAD_TOO_LARGE',
            `archive extractions in progress hold ${this.inUse} bytes, the most the server extracts at once is ${this.limit}; retry later`,
          );
        }
        this.inUse += bytes;
        held += bytes;
      },
      release: () => {
        this.inUse -= held;
        held = 0;
      },
    };
  }
}
