import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listFiles, makeTempDir } from '../test-support/temp-dir.js';
import { DownloadCache } from './download-cache.js';

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

/** The files left in `dir` once the cache's background removals have run. */
async function filesSettled(dir: string, count: number): Promise<void> {
  await vi.waitFor(async () => expect(await listFiles(dir)).toHaveLength(count));
}

describe('DownloadCache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir('download-cache-')));
  afterEach(() => cleanup());

  it('passes a download through and serves the same text from disk afterwards', async () => {
    const cache = new DownloadCache(async () => dir);
    const chunks = ['rank,x\n', '1,2\n', '2,3\n'];
    expect(cache.open('a')).toBeNull();
    // The entry exists once the stream has ended.
    expect(await text(cache.record('a', Readable.from(chunks), Promise.resolve(true)))).toBe(chunks.join(''));
    expect(await text(cache.open('a')!)).toBe(chunks.join(''));
    expect(await listFiles(dir)).toHaveLength(1);
  });

  it('keeps nothing when the producer reports an incomplete download, and cuts the stream', async () => {
    const cache = new DownloadCache(async () => dir);
    await expect(text(cache.record('a', Readable.from(['x', 'y']), Promise.resolve(false)))).rejects.toThrow(
      'cut short',
    );
    expect(cache.open('a')).toBeNull();
    await filesSettled(dir, 0);
  });

  it('keeps nothing when the reader leaves midway', async () => {
    const cache = new DownloadCache(async () => dir);
    const source = new Readable({ read() {} });
    const copy = cache.record('a', source, Promise.resolve(true));
    source.push('first chunk');
    await new Promise<void>((resolve) => copy.once('data', () => resolve()));
    copy.destroy();
    await filesSettled(dir, 0);
    expect(source.destroyed).toBe(true);
    expect(cache.open('a')).toBeNull();
    expect(await listFiles(dir)).toEqual([]);
  });

  it('drops the least recently used downloads past its size', async () => {
    const cache = new DownloadCache(async () => dir, 10);
    const put = async (id: string, body: string) => {
      await text(cache.record(id, Readable.from([body]), Promise.resolve(true)));
    };
    await put('a', 'aaaa');
    await put('b', 'bbbb');
    await text(cache.open('a')!); // a is now the most recently used
    await put('c', 'cccc');
    expect(cache.open('b')).toBeNull();
    expect(await text(cache.open('a')!)).toBe('aaaa');
    expect(await text(cache.open('c')!)).toBe('cccc');
    await filesSettled(dir, 2);
  });
});
