import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_LENGTH } from '../schemas/common.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** Upload fields follow the same rules as PATCH: no silent cut, one description limit. */
describe('upload description and tags', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const upload = (description: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/models/f/versions',
      ...multipart([
        ...folderParts(fixturePath('two-layer-all', 'model')),
        { field: 'description', value: Buffer.from(description) },
      ]),
    });

  it.each([MAX_DESCRIPTION_LENGTH + 1, 70 * 1024])(
    'a %i-character description is a 400, not cut',
    async (n) => {
      const res = await upload('d'.repeat(n));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
    },
  );

  it('one at the limit is stored whole, as PATCH would take it', async () => {
    const res = await upload('d'.repeat(MAX_DESCRIPTION_LENGTH));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().description).toHaveLength(MAX_DESCRIPTION_LENGTH);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/models/f/versions/1',
      payload: { description: 'd'.repeat(MAX_DESCRIPTION_LENGTH + 1) },
    });
    expect(patch.statusCode).toBe(400);
  });
});
