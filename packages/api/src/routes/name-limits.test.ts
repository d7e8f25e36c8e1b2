import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_LENGTH, MAX_MODEL_NAME_LENGTH, MAX_TAGS } from '../schemas/vocabulary.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart, type Part } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * One rule per name or list, the same at every entry point: a file name the upload takes can be
 * downloaded by name, and a tag list the upload takes can be PATCHed back (and no longer one).
 * (Descriptions: upload-fields.test.ts; token names in the CLI: cli.test.ts.)
 */
describe('file name and tag limits agree across upload, routes and PATCH', () => {
  let t: TestApp;
  let model = 0;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const upload = (extra: Part[]) =>
    t.app.inject({
      method: 'POST',
      url: `/api/models/n${++model}/versions`,
      ...multipart([...folderParts(fixturePath('two-layer-all', 'model')), ...extra]),
    });
  const notes = (length: number) => `${'n'.repeat(length - 3)}.md`;
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

  it(`a ${MAX_FILE_NAME_LENGTH}-character file name uploads and downloads`, async () => {
    const name = notes(MAX_FILE_NAME_LENGTH);
    const res = await upload([{ field: 'files', filename: name, value: 'notes' }]);
    expect(res.statusCode, res.body).toBe(201);
    const file = await t.app.inject(`/api/models/n${model}/versions/1/files/${name}`);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.body).toBe('notes');
  });

  it(`a ${MAX_FILE_NAME_LENGTH + 1}-character file name is a 400 at upload and at the files route`, async () => {
    const name = notes(MAX_FILE_NAME_LENGTH + 1);
    const res = await upload([{ field: 'files', filename: name, value: 'notes' }]);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('GRADIEND_ERR_UPLOAD_PATH');
    expect(res.json().detail).toContain(`longer than ${MAX_FILE_NAME_LENGTH} characters`);
    expect((await t.app.inject('/api/models')).json().total).toBe(model - 1);
    const ok = await upload([]);
    expect(ok.statusCode).toBe(201);
    const file = await t.app.inject(`/api/models/n${model}/versions/1/files/${name}`);
    expect(file.statusCode, file.body).toBe(400);
    expect(file.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
  });

  it(`${MAX_TAGS} tags upload and PATCH; ${MAX_TAGS + 1} are a 400 at both`, async () => {
    const at = await upload([{ field: 'tags', value: tags(MAX_TAGS).join(',') }]);
    expect(at.statusCode, at.body).toBe(201);
    expect(at.json().tags).toHaveLength(MAX_TAGS);
    const over = await upload([{ field: 'tags', value: tags(MAX_TAGS + 1).join(',') }]);
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
    expect(over.json().detail).toContain(`at most ${MAX_TAGS} tags`);
    for (const url of [`/api/models/n${model - 1}`, `/api/models/n${model - 1}/versions/1`]) {
      const patch = (n: number) => t.app.inject({ method: 'PATCH', url, payload: { tags: tags(n) } });
      expect((await patch(MAX_TAGS)).statusCode).toBe(200);
      expect((await patch(MAX_TAGS + 1)).statusCode).toBe(400);
    }
  });
  it(`a ${MAX_MODEL_NAME_LENGTH}-character model name works; one longer is a 400 on every method`, async () => {
    const parts = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    const at = 'm'.repeat(MAX_MODEL_NAME_LENGTH);
    const res = await t.app.inject({ method: 'POST', url: `/api/models/${at}/versions`, ...parts });
    expect(res.statusCode, res.body).toBe(201);
    expect((await t.app.inject(`/api/models/${at}`)).statusCode).toBe(200);
    const over = `${at}m`;
    for (const [method, url] of [
      ['POST', `/api/models/${over}/versions`],
      ['GET', `/api/models/${over}`],
      ['DELETE', `/api/models/${over}`],
    ] as const) {
      const r = await t.app.inject({ method, url, ...(method === 'POST' ? parts : {}) });
      expect(r.statusCode, `${method} ${r.body}`).toBe(400);
      expect(r.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
    }
  });
});
