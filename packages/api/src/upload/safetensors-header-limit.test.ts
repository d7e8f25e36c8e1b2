import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { MAX_SAFETENSORS_HEADER_BYTES } from './safetensors-header-limit.js';

/** A safetensors file whose header declares `count` one-value tensors. */
function headerBomb(count: number): Buffer {
  const entries: string[] = [];
  for (let i = 0; i < count; i++) {
    entries.push(`"t${i}":{"dtype":"F32","shape":[1],"data_offsets":[${4 * i},${4 * i + 4}]}`);
  }
  const header = Buffer.from(`{${entries.join(',')}}`);
  const out = Buffer.alloc(8 + header.length + 4 * count);
  out.writeBigUInt64LE(BigInt(header.length), 0);
  header.copy(out, 8);
  return out;
}

describe('safetensors headers past the server limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions',
      ...multipart(folderParts(fixturePath('two-layer-all', 'model'))),
    });
    expect(up.statusCode, up.body).toBe(201);
  });
  afterAll(() => t.close());

  const bomb = headerBomb(100_000);

  it('an upload with a header of 100 000 tensors is a 422 before the header is parsed', async () => {
    expect(bomb.readBigUInt64LE(0)).toBeGreaterThan(BigInt(MAX_SAFETENSORS_HEADER_BYTES));
    const parts = folderParts(fixturePath('two-layer-all', 'model')).map((p) =>
      p.filename?.endsWith('.safetensors') ? { ...p, value: bomb } : p,
    );
    const res = await t.app.inject({ method: 'POST', url: '/api/models/h/versions', ...multipart(parts) });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('GRADIEND_ERR_SAFETENSORS_FORMAT');
    expect(res.json().detail).toContain('limit');
    expect(await t.leftovers()).not.toContain(expect.stringContaining('tmp'));
  });

  it('so is an encode body of that shape', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions/1/encode',
      headers: { 'content-type': 'application/x-safetensors' },
      payload: bomb,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('GRADIEND_ERR_SAFETENSORS_FORMAT');
  });
});
