import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { listFiles } from '../test-support/temp-dir.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

describe('checkouts of deleted versions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('are removed with the version (and with its cascade)', async () => {
    const body = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    expect((await t.app.inject({ method: 'POST', url: '/api/models/c/versions', ...body })).statusCode).toBe(
      201,
    );
    const pruned = await t.app.inject({
      method: 'POST',
      url: '/api/models/c/versions/1/prune',
      payload: { topk: 2 },
    });
    expect(pruned.statusCode, pruned.body).toBe(201);
    for (const v of [1, 2])
      expect((await t.app.inject(`/api/models/c/versions/${v}/importance`)).statusCode).toBe(200);
    const checkouts = path.join(t.dataDir, 'cache', 'checkouts');
    expect((await listFiles(checkouts)).length).toBeGreaterThan(0);
    const del = await t.app.inject({ method: 'DELETE', url: '/api/models/c/versions/1?cascade=true' });
    expect(del.statusCode, del.body).toBeLessThan(300);
    expect(await listFiles(checkouts)).toEqual([]);
  });
});
