import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** A prune racing the delete of its source must never store a version without (or as) its parent. */
describe('prune racing a delete of its source', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('either the prune or the delete fails cleanly; lineage stays a tree that cascades', async () => {
    const body = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    for (let round = 0; round < 4; round++) {
      const model = `race${round}`;
      const up = await t.app.inject({ method: 'POST', url: `/api/models/${model}/versions`, ...body });
      expect(up.statusCode, up.body).toBe(201);
      const prune = t.app.inject({
        method: 'POST',
        url: `/api/models/${model}/versions/1/prune`,
        payload: { topk: 2 },
      });
      await new Promise((resolve) => setTimeout(resolve, round * 10));
      const del = await t.app.inject({ method: 'DELETE', url: `/api/models/${model}/versions/1` });
      const pruned = await prune;
      const outcome = `${pruned.statusCode}/${del.statusCode}`;
      // Prune first: the delete sees a derived version (409). Delete first: the prune's commit
      // finds no source (404) and stores nothing.
      expect(['201/409', '404/204', '404/200'], `${outcome} ${pruned.body} ${del.body}`).toContain(outcome);
      const versions = (await t.app.inject(`/api/models/${model}/versions`)).json() as {
        items?: { version: number; parent: unknown }[];
      };
      for (const v of versions.items ?? []) expect(v.parent).not.toEqual({ name: model, version: v.version });
      if (pruned.statusCode === 201) {
        const cascade = await t.app.inject({
          method: 'DELETE',
          url: `/api/models/${model}/versions/1?cascade=true`,
        });
        expect(cascade.statusCode, cascade.body).toBeLessThan(300);
      }
    }
  });
});
