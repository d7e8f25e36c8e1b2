import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { EXTRACT_LIMITS, SharedByteBudget } from './extraction-budget.js';

/** A .tar.gz of one all-zero file: tiny compressed, `size` bytes extracted. */
async function zeroBomb(size: number): Promise<Buffer> {
  const pack = tarStream.pack();
  const entry = pack.entry({ name: 'checkpoint/model.safetensors', size });
  void (async () => {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let left = size; left > 0; left -= chunk.length) {
      if (!entry.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) {
        await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
      }
    }
    entry.end(Buffer.alloc(0));
    pack.finalize();
  })();
  const chunks: Buffer[] = [];
  for await (const c of Readable.from(pack as unknown as AsyncIterable<Buffer>).pipe(
    createGzip({ level: 1 }),
  )) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

describe('archive bombs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ maxUploadBytes: 4 * 1024 ** 3 });
  });
  afterAll(() => t.close());

  it('an archive may expand only so far past its own size; nothing is left behind', async () => {
    const size = 256 * 1024 * 1024;
    const bomb = await zeroBomb(size);
    expect(bomb.length * EXTRACT_LIMITS.ratio + EXTRACT_LIMITS.slackBytes).toBeLessThan(size);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/bomb/versions',
      ...multipart([{ field: 'archive', filename: 'bomb.tar.gz', value: bomb }]),
    });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().code).toBe('GRADIEND_ERR_UPLOAD_TOO_LARGE');
    expect(res.json().detail).toContain('expands');
    expect(await t.leftovers()).toEqual([]);
  });
});

describe('SharedByteBudget', () => {
  it('bounds the bytes all extractions in flight hold together, and gives them back', () => {
    const shared = new SharedByteBudget(100);
    const a = shared.lease();
    const b = shared.lease();
    a.take(60);
    expect(() => b.take(50)).toThrow(/extractions in progress/);
    a.release();
    b.take(50);
    b.release();
    expect(shared.used).toBe(0);
  });
});
