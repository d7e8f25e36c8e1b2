import { expect } from 'vitest';
import { fixturePath } from './fixtures.js';
import { folderParts, multipart } from './multipart.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface AppWithModel {
  readonly t: TestApp;
  readonly inputDim: number;
  readonly latentDim: number;
}

/**
 * A test app holding one model `name` whose version 1 is the reference case `fixture`, with the
 * dimensions the upload reported (for building request bodies of the right width).
 */
export async function createAppWithModel(name: string, fixture = 'two-layer-all'): Promise<AppWithModel> {
  const t = await createTestApp();
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/models/${name}/versions`,
    ...multipart(folderParts(fixturePath(fixture, 'model'))),
  });
  expect(res.statusCode, res.body).toBe(201);
  const { input_dim: inputDim, latent_dim: latentDim } = res.json<{
    input_dim: number;
    latent_dim: number;
  }>();
  return { t, inputDim, latentDim };
}
