import { serializeSafetensors, type Tensor } from '@gradiend/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppWithModel } from '../test-support/app-with-model.js';
import type { TestApp } from '../test-support/test-app.js';

/** Values of the wrong JSON type are refused, not coerced (true → 1, [5] → 5, "1" → 1, null → 0). */
describe('strict types at the HTTP boundary', () => {
  let t: TestApp;
  let inputDim: number;
  let latentDim: number;
  beforeAll(async () => {
    ({ t, inputDim, latentDim } = await createAppWithModel('s'));
  });
  afterAll(() => t.close());

  const send = (method: 'POST' | 'PUT', url: string, payload: string) =>
    t.app.inject({ method, url, payload, headers: { 'content-type': 'application/json' } });
  const preview = (body: string) => send('POST', '/api/models/s/versions/1/prune/preview', body);

  it.each([
    ['prune topk true', () => preview('{"topk": true}')],
    ['prune topk [5]', () => preview('{"topk": [5]}')],
    ['prune topk "5"', () => preview('{"topk": "5"}')],
    ['prune mask of strings', () => preview('{"mask": ["1"]}')],
    ['alias version true', () => send('PUT', '/api/models/s/aliases/best', '{"version": true}')],
    ['alias version "1"', () => send('PUT', '/api/models/s/aliases/best', '{"version": "1"}')],
    [
      'decode [["1"]]',
      () =>
        send('POST', '/api/models/s/versions/1/decode', `{"latent": [[${'"1",'.repeat(latentDim - 1)}"1"]]}`),
    ],
    [
      'decode [[null]]',
      () =>
        send(
          'POST',
          '/api/models/s/versions/1/decode',
          `{"latent": [[${'null,'.repeat(latentDim - 1)}null]]}`,
        ),
    ],
    ['top-k k=0x10', () => t.app.inject('/api/models/s/versions/1/topk?k=0x10')],
    ['top-k k=1e', () => t.app.inject('/api/models/s/versions/1/topk?k=%201')],
  ])('%s → 400', async (_what, request) => {
    const res = await request();
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
  });

  it('the right types still pass', async () => {
    expect((await send('PUT', '/api/models/s/aliases/best', '{"version": 1}')).statusCode).toBe(200);
    expect((await t.app.inject('/api/models/s/versions/1/topk?k=2')).statusCode).toBe(200);
    const latent = `[[${Array(latentDim).fill('0.5').join(',')}]]`;
    expect((await send('POST', '/api/models/s/versions/1/decode', `{"latent": ${latent}}`)).statusCode).toBe(
      200,
    );
  });

  // The reference's prune(topk=…): an int literal is a count, a float literal a fraction in (0, 1].
  it.each([
    ['1.0', () => inputDim],
    ['1', () => 1],
    ['2', () => 2],
    ['0.5', () => Math.ceil(inputDim / 2)],
    ['1e0', () => inputDim],
  ])('prune topk %s keeps as the reference does', async (literal, kept) => {
    const res = await preview(`{"topk": ${literal}}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().input_dim).toBe(kept());
  });

  it.each(['2.0', '1.5', '1e2', '-1', '0'])(
    'prune topk %s (a float past 1, or not positive) → 400',
    async (literal) => {
      const res = await preview(`{"topk": ${literal}}`);
      expect(res.statusCode, res.body).toBe(400);
    },
  );
  // Gradient dicts of two-layer-all: layer1.weight [10, 5] and layer2.weight [5, 2], all selected.
  describe('encode safetensors bodies must match the param map', () => {
    const f32 = (shape: number[], fill = 0.25): Tensor => ({
      dtype: 'F32',
      shape,
      data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
    });
    const body = (tensors: Record<string, Tensor>) =>
      Buffer.from(serializeSafetensors(new Map(Object.entries(tensors))));
    const encodeDict = (tensors: Record<string, Tensor>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/models/s/versions/1/encode',
        headers: { 'content-type': 'application/x-safetensors' },
        payload: body(tensors),
      });
    const good = { 'layer1.weight': f32([10, 5]), 'layer2.weight': f32([5, 2]) };

    it.each([
      [
        'a transposed shape',
        { ...good, 'layer1.weight': f32([5, 10]) },
        /layer1\.weight.*\[5, 10\].*\[10, 5\]/,
      ],
      ['a flat shape', { ...good, 'layer2.weight': f32([10]) }, /layer2\.weight.*\[10\].*\[5, 2\]/],
      [
        'an I64 tensor',
        { ...good, 'layer1.weight': { dtype: 'I64', shape: [10, 5], data: new BigInt64Array(50) } as Tensor },
        /layer1\.weight.*I64/,
      ],
      [
        'a BOOL tensor',
        {
          ...good,
          'layer2.weight': { dtype: 'BOOL', shape: [5, 2], data: new Uint8Array(10).fill(1) } as Tensor,
        },
        /layer2\.weight.*BOOL/,
      ],
      [
        'both x and module.x',
        { ...good, 'module.layer1.weight': f32([10, 5], 0.5) },
        /layer1\.weight.*module\.layer1\.weight/,
      ],
    ])('%s → 422 naming the tensor', async (_what, tensors, message) => {
      const res = await encodeDict(tensors);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('GRADIEND_ERR_INPUT_SHAPE');
      expect(res.json().detail).toMatch(message);
    });

    it('the right shapes and dtypes encode like the same float32 row (module. prefix, F64, extra tensors)', async () => {
      const row = Buffer.from(new Float32Array(inputDim).fill(0.25).buffer);
      const expected = (
        await t.app.inject({
          method: 'POST',
          url: '/api/models/s/versions/1/encode',
          headers: { 'content-type': 'application/octet-stream' },
          payload: row,
        })
      ).json();
      const f64 = (shape: number[]): Tensor => ({
        dtype: 'F64',
        shape,
        data: new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(0.25),
      });
      const dicts: Record<string, Tensor>[] = [
        good,
        { 'module.layer1.weight': f32([10, 5]), 'module.layer2.weight': f32([5, 2]) },
        { 'layer1.weight': f64([10, 5]), 'layer2.weight': f64([5, 2]), 'unmapped.bias': f32([3]) },
      ];
      for (const tensors of dicts) {
        const res = await encodeDict(tensors);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual(expected);
      }
    });
  });
});
