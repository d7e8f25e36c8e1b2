import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';
import type { BlobInfo, BlobStore } from './blob-store.js';

export interface BlobStoreUnderTest {
  readonly store: BlobStore;
  cleanup(): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function listAll(store: BlobStore): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const b of store.list()) out.push({ sha256: b.sha256, size: b.size });
  return out.sort((a, b) => a.sha256.localeCompare(b.sha256));
}

/** The behaviour every BlobStore shares; call inside a `describe`. `open` gives a fresh, empty store. */
export function blobStoreContract(open: (scratchDir: string) => Promise<BlobStoreUnderTest>): void {
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let current: BlobStoreUnderTest;
  let store: BlobStore;
  beforeEach(async () => {
    scratch = await makeTempDir();
    current = await open(scratch.dir);
    store = current.store;
  });
  afterEach(async () => {
    await current.cleanup();
    await scratch.cleanup();
  });

  it('stores by sha256, reads ranges, lists and deletes', async () => {
    const data = Buffer.from('hello gradiend');
    const info = await store.put(Readable.from([data]));
    expect(info).toEqual({ sha256: sha(data), size: data.length });
    expect(await store.has(info.sha256)).toBe(true);
    await store.ping();
    const stat = await store.stat(info.sha256);
    expect(stat?.size).toBe(data.length);
    expect(Math.abs(Date.now() - (stat?.modifiedAt.getTime() ?? 0))).toBeLessThan(60_000);
    expect((await store.read(info.sha256, { start: 6, end: 13 })).toString()).toBe('gradiend');
    expect((await store.read(info.sha256)).equals(data)).toBe(true);
    expect((await readAll(await store.createReadStream(info.sha256, { start: 0, end: 4 }))).toString()).toBe(
      'hello',
    );
    expect(await listAll(store)).toEqual([info]);
    await store.delete(info.sha256);
    expect(await store.has(info.sha256)).toBe(false);
    expect(await store.stat(info.sha256)).toBeNull();
    expect(await listAll(store)).toEqual([]);
    await expect(store.createReadStream(info.sha256)).rejects.toThrow();
  });

  it('rejects content that does not match the expected hash and stores nothing', async () => {
    await expect(
      store.put(Readable.from([Buffer.from('x')]), { sha256: '0'.repeat(64), size: 1 }),
    ).rejects.toThrow(/mismatch/);
    expect(await listAll(store)).toEqual([]);
  });

  it('takes ownership of local files, is idempotent and materialises blobs as local files', async () => {
    // Larger than one multipart part of the S3 store, with a pattern so ranges are checkable.
    const big = Buffer.alloc(17 * 1024 * 1024 + 123);
    for (let i = 0; i + 4 <= big.length; i += 4) big.writeUInt32LE(i, i);
    const info = { sha256: sha(big), size: big.length };
    for (let round = 0; round < 2; round++) {
      const file = path.join(scratch.dir, `staged-${round}`);
      await fs.writeFile(file, big);
      expect(await store.putFile(file, info)).toEqual(info);
    }
    expect(await listAll(store)).toEqual([info]);
    const start = 16 * 1024 * 1024 - 8;
    const part = await store.read(info.sha256, { start, end: start + 15 });
    expect(part.equals(big.subarray(start, start + 16))).toBe(true);
    const targets = [0, 1, 2].map((i) => path.join(scratch.dir, `out-${i}`));
    await Promise.all(targets.map((t) => store.materialize(info.sha256, t)));
    for (const t of targets) expect((await fs.readFile(t)).equals(big)).toBe(true);
  });
}
