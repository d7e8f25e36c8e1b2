import { createHash, type Hash } from 'node:crypto';
import type { FileRecord } from '../storage/metadata-store.js';

/** SHA-256 and size per file name, fed with each file's bytes as they are written. */
export class HashedFiles {
  private readonly files = new Map<string, { hash: Hash; size: number }>();

  readonly observe = (name: string, bytes: Uint8Array): void => {
    let file = this.files.get(name);
    if (!file) {
      file = { hash: createHash('sha256'), size: 0 };
      this.files.set(name, file);
    }
    file.hash.update(bytes);
    file.size += bytes.length;
  };

  /** The finished record of `name` (a file that was observed with no bytes is empty). */
  record(name: string): FileRecord {
    const file = this.files.get(name) ?? { hash: createHash('sha256'), size: 0 };
    return { name, sha256: file.hash.digest('hex'), size: file.size };
  }
}
