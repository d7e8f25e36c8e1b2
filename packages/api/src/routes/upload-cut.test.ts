import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../test-support/raw-socket.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** Multipart bodies that end (Content-Length honest) before the form does. */
describe('uploads whose multipart body is cut short', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const head =
    '--xyz\r\ncontent-disposition: form-data; name="files"; filename="model.safetensors"\r\n' +
    'content-type: application/octet-stream\r\n\r\n';
  it.each([
    ['inside a file', `${head}${'x'.repeat(100_000)}`],
    ['after a file, before the closing boundary', `${head}abc\r\n`],
    ['inside the part headers', '--xyz\r\ncontent-disposition: form-da'],
    ['inside a field', '--xyz\r\ncontent-disposition: form-data; name="description"\r\n\r\nhello'],
  ])('cut %s: 400 UPLOAD_ABORTED at once, no temp files left', async (_where, text) => {
    const body = Buffer.from(text);
    const r = await rawRequest(port, {
      method: 'POST',
      path: '/api/models/cut/versions',
      headers: {
        'content-type': 'multipart/form-data; boundary=xyz',
        'content-length': String(body.length),
      },
      body,
    });
    expect(r.status, r.body).toBe(400);
    expect(JSON.parse(r.body).code).toBe('GRADIEND_ERR_UPLOAD_ABORTED');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await t.leftovers()).toEqual([]);
  });
});
