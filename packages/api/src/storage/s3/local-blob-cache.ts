import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Per-instance local copies of remote blobs, `<root>/<aa>/<sha256>`, for the core (which reads
 * folders). Keyed by content hash, so an entry can never be stale. Fills go to a temp file in the
 * same directory tree, are verified against the hash and renamed into place: concurrent fills (in
 * this process or another sharing the directory) each produce a complete file and the last rename
 * wins with identical bytes.
 */
export class LocalBlobCache {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  /** Local path of the blob, downloading it with `open` when not cached yet. */
  async ensure(sha256: string, open: () => Promise<Readable>): Promise<string> {
    const target = this.pathOf(sha256);
    if (await exists(target)) return target;
    let pending = this.inflight.get(sha256);
    if (!pending) {
      pending = this.fill(sha256, open).finally(() => this.inflight.delete(sha256));
      this.inflight.set(sha256, pending);
    }
    return pending;
  }

  private async fill(sha256: string, open: () => Promise<Readable>): Promise<string> {
    const target = this.pathOf(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.tmp-${randomUUID()}`);
    const hash = createHash('sha256');
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(await open(), meter, createWriteStream(tmp, { flags: 'wx', mode: 0o444 }));
      const got = hash.digest('hex');
      if (got !== sha256) throw new Error(`downloaded blob ${sha256} hashes to ${got}`);
      await fs.rename(tmp, target);
      return target;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** Takes ownership of a local file already known to hold `sha256` (e.g. a just-uploaded blob). */
  async adopt(sha256: string, filePath: string): Promise<void> {
    const target = this.pathOf(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.chmod(filePath, 0o444);
      await fs.rename(filePath, target);
    } catch {
      // Another filesystem or a vanished file: the cache is an optimisation, fill it on demand.
      await fs.rm(filePath, { force: true });
    }
  }

  async remove(sha256: string): Promise<void> {
    await fs.rm(this.pathOf(sha256), { force: true });
  }
}
