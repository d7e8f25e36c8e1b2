import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, makeTempDir } from '../../test-support/temp-dir.js';
import { FsBlobStore } from './fs-blob-store.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('FsBlobStore', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: FsBlobStore;
  beforeEach(async () => {
    tmp = await makeTempDir();
    store = new FsBlobStore(`${tmp.dir}/blobs`, `${tmp.dir}/tmp`);
    await store.init();
  });
  afterEach(() => tmp.cleanup());

  it('stores by sha256, reads ranges, lists and deletes', async () => {
    const data = Buffer.from('hello gradiend');
    const sha = createHash('sha256').update(data).digest('hex');
    const info = await store.put(Readable.from([data]));
    expect(info).toEqual({ sha256: sha, size: data.length });
    expect(await store.has(sha)).toBe(true);
    expect((await store.read(sha, { start: 6, end: 13 })).toString()).toBe('gradiend');
    expect((await readAll(await store.createReadStream(sha, { start: 0, end: 4 }))).toString()).toBe('hello');
    const listed = [];
    for await (const b of store.list()) listed.push(b);
    expect(listed).toEqual([info]);
    await store.delete(sha);
    expect(await store.has(sha)).toBe(false);
    expect(await listFiles(`${tmp.dir}/tmp`)).toEqual([]);
  });

  it('rejects content that does not match the expected hash and leaves no temp file', async () => {
    await expect(
      store.put(Readable.from([Buffer.from('x')]), { sha256: '0'.repeat(64), size: 1 }),
    ).rejects.toThrow(/mismatch/);
    expect(await listFiles(tmp.dir)).toEqual([]);
  });
});
