import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** Encode resolves numbered versions from a cache: it must follow deletes, alias moves and uploads. */
describe('encode with cached versions', () => {
  let t: TestApp;
  let dims: { v1: number; v2: number };
  beforeAll(async () => {
    t = await createTestApp();
    for (const fixture of ['two-layer-all', 'mixed-latent3']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/c/versions',
        ...multipart(folderParts(fixturePath(fixture, 'model'))),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const inputDim = async (v: number) =>
      ((await t.app.inject(`/api/models/c/versions/${v}`)).json() as { input_dim: number }).input_dim;
    dims = { v1: await inputDim(1), v2: await inputDim(2) };
    expect(dims.v1).not.toBe(dims.v2);
  });
  afterAll(() => t.close());

  const raw = (n: number, value: number) => Buffer.from(new Float32Array(n).fill(value).buffer);
  const encode = (ref: string, body: Buffer) =>
    t.app.inject({
      method: 'POST',
      url: `/api/models/c/versions/${ref}/encode`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: body,
    });

  it('reused body buffers give each request its own answer', async () => {
    const json = async (value: number) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/models/c/versions/1/encode',
          payload: { inputs: [Array.from({ length: dims.v1 }, () => value)] },
        })
      ).json().encoded;
    for (const value of [0.5, -1, 0.25, 0.5]) {
      expect((await encode('1', raw(dims.v1, value))).json().encoded).toEqual(await json(value));
    }
  });

  it('follows alias moves, uploads and deletes', async () => {
    expect((await encode('latest', raw(dims.v2, 1))).statusCode).toBe(200);
    expect((await encode('2', raw(dims.v2, 1))).statusCode).toBe(200);
    const alias = (version: number) =>
      t.app.inject({ method: 'PUT', url: '/api/models/c/aliases/champion', payload: { version } });
    expect((await alias(1)).statusCode).toBe(200);
    expect((await encode('champion', raw(dims.v1, 1))).statusCode).toBe(200);
    expect((await alias(2)).statusCode).toBe(200);
    expect((await encode('champion', raw(dims.v2, 1))).json().latent_dim).toBe(3);
    expect((await encode('champion', raw(dims.v1, 1))).statusCode).toBe(422);

    expect((await t.app.inject({ method: 'DELETE', url: '/api/models/c/versions/2' })).statusCode).toBe(200);
    const gone = await encode('2', raw(dims.v2, 1));
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('GRADIEND_ERR_VERSION_NOT_FOUND');
    expect((await encode('latest', raw(dims.v1, 1))).statusCode).toBe(200);

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/models/c/versions',
      ...multipart(folderParts(fixturePath('mixed-latent3', 'model'))),
    });
    expect(again.json().version).toBe(3);
    expect((await encode('latest', raw(dims.v2, 1))).json().latent_dim).toBe(3);
  });
});
