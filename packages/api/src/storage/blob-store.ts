import type { Readable } from 'node:stream';

export interface BlobInfo {
  readonly sha256: string;
  readonly size: number;
}

/** A stored blob with its last write time (the orphan sweep's grace period counts from it). */
export interface StoredBlob extends BlobInfo {
  readonly modifiedAt: Date;
}

/** Inclusive byte range, as in HTTP Range headers. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Content-addressed file storage (key = lowercase hex SHA-256 of the bytes). Implementations must
 * make a blob visible only once it is complete, so a reader never sees partial content.
 */
export interface BlobStore {
  /** Stores the bytes of `source`, verifying them against `expected` when given. Idempotent. */
  put(source: Readable, expected?: BlobInfo): Promise<BlobInfo>;
  /**
   * Stores a local file whose hash is already known. The store may take ownership of the file
   * (move it); the caller must not use `filePath` afterwards.
   */
  putFile(filePath: string, info: BlobInfo): Promise<BlobInfo>;
  has(sha256: string): Promise<boolean>;
  /** Size and last write time of a stored blob, or null when absent. */
  stat(sha256: string): Promise<StoredBlob | null>;
  /** Streams a blob (or an inclusive byte range of it). Rejects when the blob is absent. */
  createReadStream(sha256: string, range?: ByteRange): Promise<Readable>;
  /** Reads a range into memory; for small reads such as safetensors headers. */
  read(sha256: string, range?: ByteRange): Promise<Buffer>;
  /**
   * Makes the blob available as a local file at `target` (hard link or copy for local stores,
   * download for remote ones). Used to hand checkpoints to the core, which reads folders.
   */
  materialize(sha256: string, target: string): Promise<void>;
  delete(sha256: string): Promise<void>;
  list(): AsyncIterable<BlobInfo>;
  /** Rejects when the store cannot be reached (readiness checks). */
  ping(): Promise<void>;
  /** Releases connections (remote stores). */
  close?(): Promise<void>;
}

export function isSha256(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
