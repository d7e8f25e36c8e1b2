import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { rawRequest } from '../test-support/raw-socket.js';
import { restingLeftovers, settleJobs } from '../test-support/settle-jobs.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** Labeled-set uploads share the version upload's multipart handling: a cut body leaves nothing. */
describe('labeled-set uploads whose multipart body is cut short', () => {
  let t: TestApp;
  let port: number;
  let before: string[];
  beforeAll(async () => {
    t = await createTestApp();
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions',
      ...multipart(folderParts(fixturePath('two-layer-all', 'model'))),
    });
    expect(up.statusCode, up.body).toBe(201);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    // The upload's background analysis writes blobs of its own; they are not the cut upload's.
    await settleJobs(t);
    before = await restingLeftovers(t);
    // The upload's own files are there: an empty listing would be a listing that failed.
    expect(before.length).toBeGreaterThan(0);
  });
  afterAll(() => t.close());

  const head = (field: string, filename: string) =>
    `--xyz\r\ncontent-disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
    'content-type: application/octet-stream\r\n\r\n';
  it.each([
    ['inside a gradient file', `${head('gradients', 'a.safetensors')}${'x'.repeat(100_000)}`],
    ['inside the manifest', `${head('manifest', 'manifest.csv')}file,label\na.safetensors,1`],
    ['after a file, before the closing boundary', `${head('gradients', 'a.safetensors')}abc\r\n`],
    ['inside a field', '--xyz\r\ncontent-disposition: form-data; name="name"\r\n\r\nheld'],
  ])('cut %s: 400 UPLOAD_ABORTED, nothing left behind', async (_where, text) => {
    const body = Buffer.from(text);
    const r = await rawRequest(port, {
      method: 'POST',
      path: '/api/models/m/labeled-sets',
      headers: {
        'content-type': 'multipart/form-data; boundary=xyz',
        'content-length': String(body.length),
      },
      body,
    });
    expect(r.status, r.body).toBe(400);
    expect(JSON.parse(r.body).code).toBe('GRADIEND_ERR_UPLOAD_ABORTED');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await t.leftovers()).toEqual(before);
    expect((await t.app.inject('/api/models/m/labeled-sets')).json()).toEqual({ items: [] });
  });
});
