import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '@gradiend/core/node';
import { MALFORMED_CHECKPOINTS, malformedCopy, withoutEncoderBias } from '@gradiend/core/test-support';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { useUploadApps } from '../test-support/upload-apps.js';

/**
 * Uploads above the header-only threshold are described from their headers, smaller ones are loaded
 * in full. Two apps, one with every upload above the threshold (0 bytes) and one with every upload
 * below it, must turn each broken checkpoint down with the same problem document.
 */
describe('uploads are validated by the same rules above and below the header-only threshold', () => {
  const apps = useUploadApps();

  /** The problem document without what differs per request. */
  const problem = (body: Record<string, unknown>) => {
    const { instance: _instance, request_id: _requestId, ...rest } = body;
    return rest;
  };

  it.each(MALFORMED_CHECKPOINTS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = await malformedCopy(c, apps.tmpDir);
    try {
      const [a, b] = [await apps.upload(apps.loads, dir), await apps.upload(apps.headers, dir)];
      expect(a.statusCode, a.body).toBe(422);
      expect(a.headers['content-type']).toContain('application/problem+json');
      const body = a.json<Record<string, unknown>>();
      expect(body.code).toBe(c.code);
      expect(body.detail).toMatch(c.message);
      expect(b.statusCode).toBe(a.statusCode);
      expect(problem(b.json())).toEqual(problem(body));
      for (const t of [apps.loads, apps.headers]) {
        expect((await t.app.inject('/api/models')).json().total).toBe(0);
        expect(await t.leftovers()).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a folder without config.json: 422 naming the file, and no server path anywhere in the problem', async () => {
    const parts = folderParts(fixturePath('two-layer-all', 'model')).filter(
      (p) => p.filename !== 'config.json',
    );
    const res = await apps.loads.app.inject({
      method: 'POST',
      url: '/api/models/nc/versions',
      ...multipart(parts),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'GRADIEND_ERR_CHECKPOINT', file: 'config.json' });
    expect(res.body).not.toContain(apps.tmpDir);
    expect(res.body).not.toMatch(/\/tmp\/|upload-[0-9a-f]{8}/);
  });

  it.each(['two-layer-all', 'mixed-latent3', 'layernorm-nobias', 'dtype-bfloat16'])(
    'accepts %s either way with the same summary',
    async (fixture) => {
      const dir = fixturePath(fixture, 'model');
      const [a, b] = [await apps.upload(apps.loads, dir), await apps.upload(apps.headers, dir)];
      expect(a.statusCode, a.body).toBe(201);
      expect(b.statusCode, b.body).toBe(201);
      const { created_at: _a, ...va } = a.json<Record<string, unknown>>();
      const { created_at: _b, ...vb } = b.json<Record<string, unknown>>();
      expect(vb).toEqual(va);
    },
  );

  it('takes a checkpoint without an encoder bias (newer library layout): upload, encode, prune, download', async () => {
    const dir = await withoutEncoderBias(
      fixturePath('two-layer-all', 'model'),
      path.join(apps.tmpDir, 'no-bias'),
    );
    const { model } = await loadCheckpoint(dir);
    const [a, b] = [await apps.upload(apps.loads, dir, 'nb'), await apps.upload(apps.headers, dir, 'nb')];
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().architecture.bias_encoder).toBe(false);
    expect(b.json().architecture).toEqual(a.json().architecture);

    const x = Array.from({ length: model.inputDim }, (_, i) => Math.sin(i) * 0.1);
    const encoded = await apps.loads.app.inject({
      method: 'POST',
      url: '/api/models/nb/versions/1/encode',
      payload: { inputs: [x] },
    });
    expect(encoded.statusCode, encoded.body).toBe(200);
    const want = model.encode(Float32Array.from(x));
    expect(encoded.json().encoded[0][0]).toBeCloseTo(want[0] ?? NaN, 6);

    const pruned = await apps.loads.app.inject({
      method: 'POST',
      url: '/api/models/nb/versions/1/prune',
      payload: { topk: 30 },
    });
    expect(pruned.statusCode, pruned.body).toBe(201);
    expect(pruned.json()).toMatchObject({ input_dim: 30, architecture: { bias_encoder: false } });
    const config = await apps.loads.app.inject('/api/models/nb/versions/1/files/config.json');
    expect(config.rawPayload.equals(await readFile(path.join(dir, 'config.json')))).toBe(true);
  });
});
