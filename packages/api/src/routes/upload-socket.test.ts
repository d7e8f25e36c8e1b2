import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { listFiles } from '../test-support/temp-dir.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

describe('uploads over a real socket', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ workers: 1 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const base = () => `http://127.0.0.1:${port}`;

  it('a client that disconnects mid-upload leaves no version and no stray files', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    const body = multipart([{ field: 'files', filename: 'model.safetensors', value: big }]);
    await new Promise<void>((resolve) => {
      const req = http.request(`${base()}/api/models/aborted/versions`, {
        method: 'POST',
        headers: { ...body.headers, 'content-length': String(body.payload.length) },
      });
      req.on('error', () => resolve());
      req.write(body.payload.subarray(0, 3 * 1024 * 1024), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200);
      });
    });
    const health = await fetch(`${base()}/api/health`);
    expect(health.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${base()}/api/models/aborted`)).status).toBe(404);
    expect(await t.leftovers()).toEqual([]);
  });

  it('concurrent uploads to one model get distinct, gap-free version numbers (validated on a worker thread)', async () => {
    const body = multipart(folderParts(fixturePath('mixed-latent3', 'model')));
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${base()}/api/models/conc/versions`, {
          method: 'POST',
          headers: body.headers,
          body: body.payload,
        }),
      ),
    );
    const versions = await Promise.all(
      results.map(async (r) => ((await r.json()) as { version: number }).version),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await listFiles(path.join(t.dataDir, 'tmp'))).length).toBe(0);
  });
});
