import { readFile } from 'node:fs/promises';
import { readSafetensorsBuffer } from '@gradiend/core/node';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseModelListSchema, BaseModelSchema, RewriteEffectSchema } from '../schemas/rewrite.js';
import { digitsPath, fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const RAW = { 'content-type': 'application/octet-stream' };

interface BaseModelJson {
  id: string;
  name: string;
  onnx: { sha256: string } | null;
  test_set: { sha256: string } | null;
  lineage: Record<string, unknown> | null;
  downloads: Record<string, string>;
}

interface ReferenceEntry {
  mean_p3_on_3s: number;
  mean_p3_on_8s: number;
  accuracy_all: number;
}

/** Schema violations of `value`: the serializer would silently drop what does not fit, so check directly. */
function violations(schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`);
}

function rel(a: number, e: number): number {
  return Math.abs(a - e) / Math.max(Math.abs(e), 1e-12);
}

describe('base models, rewrite and rewrite effect', () => {
  let t: TestApp;
  let base: BaseModelJson;

  beforeAll(async () => {
    t = await createTestApp();
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions',
      ...multipart(folderParts(digitsPath('gradiend-digits-3-vs-8'))),
    });
    expect(up.statusCode, up.body).toBe(201);
    // The reference GRADIEND's config names its base model digits-mlp-64-32-10.
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=digits-mlp-64-32-10',
      headers: RAW,
      payload: await readFile(digitsPath('base-mlp.safetensors')),
    });
    expect(res.statusCode, res.body).toBe(201);
    base = res.json() as BaseModelJson;
    expect(violations(BaseModelSchema, base)).toEqual([]);
    for (const [part, file] of [
      ['onnx', 'base-mlp.onnx'],
      ['test-set', 'test-digits.safetensors'],
    ] as const) {
      const r = await t.app.inject({
        method: 'PUT',
        url: `/api/base-models/${base.id}/${part}`,
        headers: RAW,
        payload: await readFile(digitsPath(file)),
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(violations(BaseModelSchema, r.json())).toEqual([]);
    }
  }, 60_000);
  afterAll(() => t?.close());

  it('stores base models content-addressed: a second upload of the same weights is the same record', async () => {
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=digits-mlp-64-32-10',
      headers: RAW,
      payload: await readFile(digitsPath('base-mlp.safetensors')),
    });
    const record = again.json() as BaseModelJson;
    expect(record.id).toBe(base.id);
    expect(record.onnx).not.toBeNull();
    expect(record.test_set).not.toBeNull();
    const list = (await t.app.inject('/api/base-models?name=digits-mlp-64-32-10')).json() as {
      items: BaseModelJson[];
    };
    expect(violations(BaseModelListSchema, list)).toEqual([]);
    expect(list.items.map((b) => b.id)).toEqual([base.id]);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=x',
      headers: RAW,
      payload: Buffer.from('not safetensors'),
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'GRADIEND_ERR_REWRITE' });
  });

  it('rewrites into a stored base model with lineage, downloadable, equal to the patch applied', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/rewrite',
      payload: { learning_rate: 0.01, feature_factor: [-1], scale_from_training: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    const rewritten = res.json() as BaseModelJson;
    expect(violations(BaseModelSchema, rewritten)).toEqual([]);
    expect(rewritten.lineage).toMatchObject({
      base: base.id,
      gradiend: { name: 'digits', version: 1 },
      learning_rate: 0.01,
      feature_factor: [-1],
      part: 'decoder',
    });
    const weights = await t.app.inject(rewritten.downloads.weights as string);
    expect(weights.statusCode).toBe(200);
    const got = readSafetensorsBuffer(weights.rawPayload);
    const original = readSafetensorsBuffer(await readFile(digitsPath('base-mlp.safetensors')));

    const patchRes = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/rewrite',
      payload: { learning_rate: 0.01, feature_factor: [-1], scale_from_training: true, output: 'patch' },
    });
    expect(patchRes.statusCode, patchRes.body).toBe(200);
    const patch = readSafetensorsBuffer(patchRes.rawPayload);
    for (const name of ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']) {
      const idx = patch.get(`${name}:indices`).data as BigInt64Array;
      const values = patch.get(`${name}:values`).data as Float32Array;
      const applied = Float32Array.from(original.get(name).data as Float32Array);
      idx.forEach((p, i) => (applied[Number(p)] = (applied[Number(p)] as number) + (values[i] as number)));
      expect(got.get(name).data, name).toEqual(applied);
      expect(applied).not.toEqual(original.get(name).data);
    }
  });

  it('sweeps the reference grid through onnxruntime and reproduces rewrite-reference.json', async () => {
    const reference = JSON.parse(await readFile(digitsPath('rewrite-reference.json'), 'utf8')) as {
      results: Record<string, ReferenceEntry>;
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/rewrite-effect?wait=60',
      payload: { target: 3, other: 8 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const sweep = res.json() as {
      base: { accuracy: number; mean_probability: Record<string, number> };
      candidates: {
        feature_factor: number;
        learning_rate: number;
        accuracy: number;
        mean_probability: Record<string, number>;
      }[];
      selection: { strengthen: { feature_factor: number; learning_rate: number; reason: string } };
    };
    expect(violations(RewriteEffectSchema, sweep)).toEqual([]);
    expect(sweep.candidates).toHaveLength(32);
    for (const [key, want] of Object.entries(reference.results)) {
      const got =
        key === 'base'
          ? sweep.base
          : sweep.candidates.find(
              (c) => key === `feature_factor=${c.feature_factor.toFixed(1)},learning_rate=${c.learning_rate}`,
            );
      expect(got, key).toBeDefined();
      expect(Math.fround(got?.accuracy as number), key).toBe(want.accuracy_all);
      expect(rel(got?.mean_probability['3'] as number, want.mean_p3_on_3s), key).toBeLessThan(1e-4);
      expect(rel(got?.mean_probability['8'] as number, want.mean_p3_on_8s), key).toBeLessThan(1e-4);
    }
    expect(sweep.selection.strengthen.feature_factor).toBe(-1);
    const cached = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/rewrite-effect?wait=60',
      payload: { target: 3, other: 8 },
    });
    expect(cached.json()).toEqual(res.json());
    // A job: the same question is one job, whose result later requests reuse.
    expect(cached.headers['gradiend-job']).toBe(res.headers['gradiend-job']);
    const job = await t.app.inject(`/api/jobs/${String(res.headers['gradiend-job'])}`);
    expect(job.json()).toMatchObject({ kind: 'rewrite-effect', state: 'done', progress: { fraction: 1 } });
  }, 120_000);

  it('answers 404 for a GRADIEND whose base model is not registered, and a problem for a bad rewrite', async () => {
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/other/versions',
      ...multipart(folderParts(fixturePath('mixed-latent3', 'model'))),
    });
    expect(up.statusCode, up.body).toBe(201);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/models/other/versions/1/rewrite',
      payload: { learning_rate: 1 },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'GRADIEND_ERR_BASE_MODEL_NOT_FOUND' });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/models/other/versions/1/rewrite',
      payload: { learning_rate: 1, base: base.id },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'GRADIEND_ERR_REWRITE' });
  });
});
