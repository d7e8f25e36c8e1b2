import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppWithModel } from '../test-support/app-with-model.js';
import type { TestApp } from '../test-support/test-app.js';

/** Encode/decode inputs that used to reach the runtime or the serializer and come back as 500s. */
describe('encode and decode reject broken inputs with a 4xx', () => {
  let t: TestApp;
  let inputDim: number;
  let latentDim: number;
  beforeAll(async () => {
    ({ t, inputDim, latentDim } = await createAppWithModel('e'));
  });
  afterAll(() => t.close());

  const encode = (payload: string | Buffer, contentType: string, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/models/e/versions/1/encode${query}`,
      headers: { 'content-type': contentType },
      payload,
    });
  const f32 = (values: number[]) => Buffer.from(new Float32Array(values).buffer);
  const row = (first: number) => [first, ...Array<number>(inputDim - 1).fill(0.5)];

  it.each([
    [
      'NaN in a float32 body',
      () => encode(f32(row(NaN)), 'application/octet-stream'),
      422,
      'GRADIEND_ERR_INPUT_VALUE',
    ],
    [
      'Inf in a float32 body',
      () => encode(f32(row(Infinity)), 'application/octet-stream'),
      422,
      'GRADIEND_ERR_INPUT_VALUE',
    ],
    [
      '1e39 in JSON',
      () => encode(`{"inputs":[[1e39${',0'.repeat(inputDim - 1)}]]}`, 'application/json'),
      422,
      'GRADIEND_ERR_INPUT_VALUE',
    ],
    ['no rows', () => encode('{"inputs":[]}', 'application/json'), 422, 'GRADIEND_ERR_INPUT_SHAPE'],
    [
      'a denormal input_scale',
      () => encode(f32(row(1)), 'application/octet-stream', '?input_scale=1e-320'),
      400,
      'GRADIEND_ERR_REQUEST_VALIDATION',
    ],
    [
      'an infinite input_scale',
      () => encode(f32(row(1)), 'application/octet-stream', '?input_scale=Infinity'),
      400,
      'GRADIEND_ERR_REQUEST_VALIDATION',
    ],
    [
      'millions of empty rows',
      () => encode(`{"inputs":[${'[],'.repeat(10_000_000)}[]]}`, 'application/json'),
      422,
      'GRADIEND_ERR_INPUT_SHAPE',
    ],
  ])('%s', async (_what, send, status, code) => {
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
  });

  it('valid JSON rows still encode like the same float32 rows', async () => {
    const values = row(0.25);
    const viaJson = await encode(JSON.stringify({ inputs: [values, values] }), 'application/json');
    const viaF32 = await encode(f32([...values, ...values]), 'application/octet-stream');
    expect(viaJson.statusCode, viaJson.body).toBe(200);
    expect(viaJson.json()).toEqual(viaF32.json());
    expect(viaJson.json().batch).toBe(2);
  });

  it('a latent value past float32 is a 422 in decode', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/e/versions/1/decode',
      payload: `{"latent":[[1e39${',0'.repeat(latentDim - 1)}]]}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('GRADIEND_ERR_INPUT_VALUE');
  });
});
