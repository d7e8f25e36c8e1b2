import fs from 'node:fs';
import type { InjectOptions } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { GradiendModel, ParamMap } from '@gradiend/core';
import { saveCheckpoint } from '@gradiend/core/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digitsPath, fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { makeTempDir } from '../test-support/temp-dir.js';

const F32 = 'application/octet-stream';
const SAFETENSORS = 'application/x-safetensors';
const MODELS = [
  ['digits', digitsPath('gradiend-digits-3-vs-8')],
  ['bert', fixturePath('bert-shaped-224k', 'model')],
  ['mixed', fixturePath('mixed-latent3', 'model')],
] as const;

function rows(batch: number, width: number, seed: number): Float32Array {
  return Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i * 0.37 + seed) * 0.01);
}

/** The same requests on the main thread's sessions and, with the inline limit at 0, on a worker's. */
describe('encode and decode through the worker pool', () => {
  let inline: TestApp;
  let pooled: TestApp;
  const dims = new Map<string, { input_dim: number; latent_dim: number }>();

  beforeAll(async () => {
    [inline, pooled] = await Promise.all([
      createTestApp(),
      createTestApp({ workers: 1, encodeInlineMaxValues: 0, logLevel: 'error' }),
    ]);
    for (const t of [inline, pooled]) {
      for (const [name, dir] of MODELS) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/models/${name}/versions`,
          ...multipart(folderParts(dir)),
        });
        expect(res.statusCode, res.body).toBe(201);
        dims.set(name, res.json());
      }
    }
  });
  afterAll(() => Promise.all([inline?.close(), pooled?.close()]));

  async function both(request: InjectOptions) {
    const [a, b] = await Promise.all([inline.app.inject(request), pooled.app.inject(request)]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(b.headers['content-type']).toBe(a.headers['content-type']);
    return [a.rawPayload, b.rawPayload] as const;
  }

  it('encodes the same bits from raw float32, JSON and safetensors bodies', async () => {
    const run = vi.spyOn(pooled.app.services.tasks, 'run');
    for (const [name] of MODELS) {
      const n = dims.get(name)?.input_dim ?? 0;
      const x = rows(3, n, n);
      const raw = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
      const [a, b] = await both({
        method: 'POST',
        url: `/api/models/${name}/versions/1/encode?input_scale=2`,
        headers: { 'content-type': F32, accept: F32 },
        payload: raw,
      });
      expect(b.equals(a)).toBe(true);
      const [ja, jb] = await both({
        method: 'POST',
        url: `/api/models/${name}/versions/1/encode`,
        payload: { inputs: [Array.from(x.subarray(0, n))] },
      });
      expect(jb.toString()).toBe(ja.toString());
    }
    const gradients = fs.readFileSync(digitsPath('gradients', 'sample-00-digit3.safetensors'));
    const [sa, sb] = await both({
      method: 'POST',
      url: '/api/models/digits/versions/1/encode?input_scale=auto',
      headers: { 'content-type': SAFETENSORS, accept: F32 },
      payload: gradients,
    });
    expect(sb.equals(sa)).toBe(true);
    expect(run.mock.calls.filter(([task]) => task === 'onnxRun')).toHaveLength(2 * MODELS.length + 1);
    run.mockRestore();
  });

  it('decodes the same bits as float32 and as per-parameter safetensors', async () => {
    for (const [name] of MODELS) {
      const latentDim = dims.get(name)?.latent_dim ?? 0;
      const latent = [0.5, -0.25].map((v) => Array.from({ length: latentDim }, (_, j) => v + j / 10));
      const [a, b] = await both({
        method: 'POST',
        url: `/api/models/${name}/versions/1/decode`,
        payload: { latent },
      });
      expect(a.length).toBe(2 * 4 * (dims.get(name)?.input_dim ?? 0));
      expect(b.equals(a)).toBe(true);
      const [sa, sb] = await both({
        method: 'POST',
        url: `/api/models/${name}/versions/1/decode`,
        headers: { accept: SAFETENSORS },
        payload: { latent },
      });
      expect(sb.equals(sa)).toBe(true);
    }
  });

  it('still rejects a body of the wrong size', async () => {
    const res = await pooled.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/encode',
      headers: { 'content-type': F32 },
      payload: Buffer.alloc(12),
    });
    expect(res.statusCode).toBe(422);
  });
});

/** Few dot products (latent × batch ≤ 2) are encoded by the core's kernel, on either thread. */
describe("the core's encode on the main thread and on a worker", () => {
  let inline: TestApp;
  let pooled: TestApp;
  /** Encodes on its main thread from encoder weights a pool worker copied out (encoderWeights). */
  let mainOfPool: TestApp;
  // Odd input lengths, so that no loop's unrolling covers a row exactly.
  const SHAPES = [
    ['odd1', 1001, 1],
    ['odd2', 777, 2],
  ] as const;

  beforeAll(async () => {
    [inline, pooled, mainOfPool] = await Promise.all([
      createTestApp(),
      createTestApp({ workers: 1, encodeInlineMaxValues: 0, logLevel: 'error' }),
      createTestApp({ workers: 1, logLevel: 'error' }),
    ]);
    for (const [name, inputDim, latentDim] of SHAPES) {
      const tmp = await makeTempDir();
      try {
        await saveCheckpoint(tmp.dir, syntheticModel(inputDim, latentDim, [inputDim]));
        for (const t of [inline, pooled, mainOfPool]) {
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/models/${name}/versions`,
            ...multipart(folderParts(tmp.dir)),
          });
          expect(res.statusCode, res.body).toBe(201);
        }
      } finally {
        await tmp.cleanup();
      }
    }
  });
  afterAll(() => Promise.all([inline?.close(), pooled?.close(), mainOfPool?.close()]));

  const send = (t: TestApp, name: string, x: Float32Array, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/models/${name}/versions/1/encode${query}`,
      headers: { 'content-type': F32, accept: F32 },
      payload: Buffer.from(x.buffer, x.byteOffset, x.byteLength),
    });

  it('gives the same bits inline and on the worker, with and without input_scale', async () => {
    const run = vi.spyOn(pooled.app.services.tasks, 'run');
    const mainRun = vi.spyOn(mainOfPool.app.services.tasks, 'run');
    let coreRuns = 0;
    for (const [name, inputDim, latentDim] of SHAPES) {
      for (const batch of [1, 2, 3]) {
        for (const query of ['', '?input_scale=2.5', '?input_scale=0.3']) {
          const x = rows(batch, inputDim, batch);
          const [a, b, c] = await Promise.all([
            send(inline, name, x, query),
            send(pooled, name, x, query),
            send(mainOfPool, name, x, query),
          ]);
          expect(a.statusCode, a.body).toBe(200);
          expect(b.statusCode, b.body).toBe(200);
          expect(c.statusCode, c.body).toBe(200);
          expect(a.rawPayload.length).toBe(4 * batch * latentDim);
          expect(b.rawPayload.equals(a.rawPayload)).toBe(true);
          expect(c.rawPayload.equals(a.rawPayload)).toBe(true);
          if (latentDim * batch <= 2) coreRuns++;
        }
      }
    }
    const onnxRuns = run.mock.calls.filter(([task]) => task === 'onnxRun');
    expect(onnxRuns.filter(([, args]) => (args as { core?: boolean }).core === true)).toHaveLength(coreRuns);
    // Once per model: the main thread keeps the encoder weights.
    expect(mainRun.mock.calls.filter(([task]) => task === 'encoderWeights')).toHaveLength(SHAPES.length);
    run.mockRestore();
    mainRun.mockRestore();
  });

  it('answers non-finite inputs with the same problem inline and on the worker', async () => {
    // The core's path (odd1 × 2 rows, odd2 × 1) and ONNX Runtime's (odd1 × 3 rows).
    for (const [name, inputDim, batch] of [
      ['odd1', 1001, 2],
      ['odd2', 777, 1],
      ['odd1', 1001, 3],
    ] as const) {
      for (const [value, query] of [
        [NaN, ''],
        [-Infinity, ''],
        [Infinity, '?input_scale=2'],
        [3e38, '?input_scale=0.5'],
      ] as const) {
        const x = rows(batch, inputDim, 1);
        x[(batch - 1) * inputDim + 11] = value;
        const [a, b] = await Promise.all([send(inline, name, x, query), send(pooled, name, x, query)]);
        expect(a.statusCode, a.body).toBe(422);
        expect(a.headers['content-type']).toContain('application/problem+json');
        const { code, detail } = a.json() as { code: string; detail: string };
        expect(code).toBe('GRADIEND_ERR_INPUT_VALUE');
        expect(detail).toContain(
          Number.isFinite(value) ? 'overflow float32' : `input value ${(batch - 1) * inputDim + 11} is`,
        );
        expect(b.statusCode, b.body).toBe(422);
        expect(b.json()).toMatchObject({ code, detail });
      }
    }
  });
});

/** A GRADIEND whose encode of a wide batch keeps ONNX Runtime busy for ~100 ms (small on disk). */
function syntheticModel(
  inputDim: number,
  latentDim: number,
  shape: readonly number[] = [inputDim / 64, 64],
): GradiendModel {
  const f = (length: number) => Float32Array.from({ length }, (_, i) => Math.cos(i * 0.61) * 0.02);
  return new GradiendModel(
    {
      inputDim,
      latentDim,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [latentDim, inputDim], data: f(latentDim * inputDim) },
      encoderBias: { dtype: 'F32', shape: [latentDim], data: f(latentDim) },
      decoderWeight: { dtype: 'F32', shape: [inputDim, latentDim], data: f(inputDim * latentDim) },
      decoderBias: { dtype: 'F32', shape: [inputDim], data: f(inputDim) },
      encoderNorm: null,
    },
    ParamMap.fromSpecs([{ name: 'layer.weight', shape: [...shape], repr: 'all' }]),
  );
}

describe('a large encode on the worker pool', () => {
  const inputDim = 16384;
  const latentDim = 512;
  const batch = 1536;
  let t: TestApp;
  let model: GradiendModel;

  beforeAll(async () => {
    t = await createTestApp({ workers: 1, maxUploadBytes: 256 * 1024 * 1024 });
    const tmp = await makeTempDir();
    try {
      model = syntheticModel(inputDim, latentDim);
      await saveCheckpoint(tmp.dir, model);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/wide/versions',
        ...multipart(folderParts(tmp.dir)),
      });
      expect(res.statusCode, res.body).toBe(201);
    } finally {
      await tmp.cleanup();
    }
  });
  afterAll(() => t?.close());

  const x = rows(batch, inputDim, 1);
  const encode = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/models/wide/versions/1/encode',
      headers: { 'content-type': F32, accept: F32 },
      payload: Buffer.from(x.buffer, x.byteOffset, x.byteLength),
    });

  it('agrees with the core forward', async () => {
    const res = await encode();
    expect(res.statusCode, res.body).toBe(200);
    const p = res.rawPayload;
    const got = new Float32Array(p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength));
    expect(got.length).toBe(batch * latentDim);
    for (const row of [0, batch - 1]) {
      const want = model.encode(x.subarray(row * inputDim, (row + 1) * inputDim), 1);
      for (let j = 0; j < latentDim; j += 37) expect(got[row * latentDim + j]).toBeCloseTo(want[j] ?? NaN, 4);
    }
  });

  it('leaves the server answering /api/health meanwhile', async () => {
    let done = false;
    const started = performance.now();
    const pending = encode().finally(() => {
      done = true;
    });
    // Gaps between answers, not request latencies: a blocked loop may also stall the pauses between.
    const gaps: number[] = [];
    let last = started;
    while (!done) {
      const health = await t.app.inject('/api/health');
      expect(health.statusCode).toBe(200);
      await sleep(1);
      const now = performance.now();
      if (!done) gaps.push(now - last);
      last = now;
    }
    expect((await pending).statusCode).toBe(200);
    const elapsed = performance.now() - started;
    expect(gaps.length, `encode took ${elapsed.toFixed(0)} ms`).toBeGreaterThanOrEqual(5);
    expect(Math.max(...gaps)).toBeLessThan(elapsed / 2);
  });
});
