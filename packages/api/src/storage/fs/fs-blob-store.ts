import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { putThroughTempFile } from '../write-hashed-file.js';
import { isSha256, type BlobInfo, type BlobStore, type ByteRange, type StoredBlob } from '../blob-store.js';

function assertKey(sha256: string): void {
  if (!isSha256(sha256)) throw new TypeError(`blob key must be 64 lowercase hex characters, got ${sha256}`);
}

async function fsyncPath(p: string, flags: 'r' | 'r+' = 'r'): Promise<void> {
  const handle = await fs.open(p, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Blobs under `<root>/<aa>/<bb>/<sha256>`. Writes go to `<tmpDir>` first, are fsynced and renamed
 * into place, so a blob path exists only with complete, verified content.
 */
export class FsBlobStore implements BlobStore {
  constructor(
    readonly root: string,
    readonly tmpDir: string,
  ) {}

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  pathOf(sha256: string): string {
    assertKey(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(source: Readable, expected?: BlobInfo): Promise<BlobInfo> {
    return putThroughTempFile(source, this.tmpDir, expected, (file, info) => this.putFile(file, info));
  }

  async putFile(filePath: string, info: BlobInfo): Promise<BlobInfo> {
    const target = this.pathOf(info.sha256);
    if (await this.exists(target)) {
      await fs.rm(filePath, { force: true });
      return info;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fsyncPath(filePath, 'r+');
    await fs.chmod(filePath, 0o444);
    // rename is atomic within one filesystem; tmpDir lives under the data dir for that reason.
    await fs.rename(filePath, target);
    await fsyncPath(path.dirname(target));
    return info;
  }

  private async exists(p: string): Promise<boolean> {
    try {
      await fs.access(p);
      return true;
    } catch {
      return false;
    }
  }

  has(sha256: string): Promise<boolean> {
    return this.exists(this.pathOf(sha256));
  }

  async stat(sha256: string): Promise<StoredBlob | null> {
    try {
      const st = await fs.stat(this.pathOf(sha256));
      return { sha256, size: st.size, modifiedAt: st.mtime };
    } catch {
      return null;
    }
  }

  async createReadStream(sha256: string, range?: ByteRange): Promise<Readable> {
    const handle = await fs.open(this.pathOf(sha256), 'r');
    return handle.createReadStream({ autoClose: true, start: range?.start, end: range?.end });
  }

  async read(sha256: string, range?: ByteRange): Promise<Buffer> {
    const handle = await fs.open(this.pathOf(sha256), 'r');
    try {
      const size = (await handle.stat()).size;
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      const length = Math.max(0, end - start + 1);
      const buf = Buffer.alloc(length);
      let off = 0;
      while (off < length) {
        const { bytesRead } = await handle.read(buf, off, length - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.subarray(0, off);
    } finally {
      await handle.close();
    }
  }

  async materialize(sha256: string, target: string): Promise<void> {
    const source = this.pathOf(sha256);
    try {
      await fs.link(source, target);
    } catch {
      await fs.copyFile(source, target);
    }
  }

  async ping(): Promise<void> {
    await fs.access(this.root);
  }

  async delete(sha256: string): Promise<void> {
    await fs.rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<BlobInfo> {
    let level1: string[];
    try {
      level1 = await fs.readdir(this.root);
    } catch {
      return;
    }
    for (const a of level1) {
      for (const b of await fs.readdir(path.join(this.root, a)).catch(() => [] as string[])) {
        for (const name of await fs.readdir(path.join(this.root, a, b)).catch(() => [] as string[])) {
          if (!isSha256(name)) continue;
          const st = await fs.stat(path.join(this.root, a, b, name));
          yield { sha256: name, size: st.size };
        }
      }
    }
  }
}
