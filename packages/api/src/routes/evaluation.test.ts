import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  castToModelDType,
  encoderMetrics,
  serializeSafetensors,
  toFloat64,
  type EncodedRow,
  type GradiendModel,
  type GradientTensor,
} from '@gradiend/core';
import { loadCheckpoint, readTensorFile } from '@gradiend/core/node';
import {
  coreEncodings,
  DIGITS_CHECKPOINT,
  DIGITS_GRADIENTS,
  digitsIndex,
  digitsManifestRows,
  digitsSetParts,
  flattenedDigits,
  manifestCsv,
} from '../test-support/digits-labeled-set.js';
import { folderParts, multipart, type Part } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import type { EvaluationResponse, PruningCurveResponse } from '../schemas/evaluation.js';

/** Relative closeness of every number in two JSON values of the same structure. */
function expectClose(actual: unknown, expected: unknown, rel: number, at = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, at).toBe('number');
    const a = actual as number;
    expect(Math.abs(a - expected), `${at}: ${a} vs ${expected}`).toBeLessThanOrEqual(
      rel * Math.max(1, Math.abs(expected)),
    );
  } else if (Array.isArray(expected)) {
    expect((actual as unknown[]).length, at).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, rel, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), at).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected))
      expectClose((actual as Record<string, unknown>)[k], v, rel, `${at}.${k}`);
  } else expect(actual, at).toEqual(expected);
}

/** The core's scorecard of the core's own encodings (encode(flatten(grad) / input_scale)). */
function coreEvaluation(model: GradiendModel, xs: readonly Float32Array[], scale: number) {
  const encoded = coreEncodings(model, xs, scale);
  const rows: EncodedRow[] = digitsManifestRows.map((r, i) => ({
    encoded: encoded[i] as number,
    label: r.label,
    type: r.type,
    sourceId: r.source_id,
    dataSplit: r.data_split,
  }));
  return { encoded, metrics: encoderMetrics(rows) };
}

describe('labeled gradient sets, the encoder scorecard and the pruning curve', () => {
  let t: TestApp;
  let model: GradiendModel;
  let xs: Float32Array[];

  beforeAll(async () => {
    t = await createTestApp({ jobPollMs: 20 });
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions',
      ...multipart(folderParts(DIGITS_CHECKPOINT)),
    });
    expect(up.statusCode, up.body).toBe(201);
    model = (await loadCheckpoint(DIGITS_CHECKPOINT)).model;
    xs = await flattenedDigits(model);
    const set = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/labeled-sets',
      ...multipart(
        digitsSetParts('held-out', '1', {
          field: 'manifest',
          filename: 'manifest.csv',
          value: manifestCsv(digitsManifestRows),
        }),
      ),
    });
    expect(set.statusCode, set.body).toBe(201);
  });

  afterAll(() => t.close());

  const get = <T>(url: string) =>
    t.app.inject(url).then((r) => ({ status: r.statusCode, body: r.json<T>() }));
  const evaluation = (ref: string, set: string) =>
    get<EvaluationResponse>(`/api/models/digits/versions/${ref}/evaluation?set=${set}&wait=60`);
  const prune = async (ref: string, topk: number): Promise<number> => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/models/digits/versions/${ref}/prune`,
      payload: { topk, part: 'decoder-weight' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ version: number }>().version;
  };

  it('stores the set with its samples, dtype and label counts, and audits it', async () => {
    const { status, body } = await get<Record<string, unknown>>('/api/models/digits/labeled-sets/held-out');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'held-out',
      model: 'digits',
      root_version: 1,
      format: 'per-sample',
      n_samples: 24,
      dtype: 'F32',
      label_counts: {
        '1.0': digitsManifestRows.filter((r) => r.label === 1).length,
        '-1.0': digitsManifestRows.filter((r) => r.label === -1).length,
      },
    });
    expect((body.samples as unknown[])[0]).toEqual({ index: 0, ...digitsManifestRows[0] });
    const list = await get<{ items: { name: string }[] }>('/api/models/digits/labeled-sets?version=1');
    expect(list.body.items.map((s) => s.name)).toEqual(['held-out']);
    const audit = await get<{ items: { action: string }[] }>('/api/audit?model=digits');
    expect(audit.body.items.map((e) => e.action)).toContain('labeled-set.create');
  });

  it("answers the core's scorecard of the core's encodings, which reproduce the reference's", async () => {
    const { status, body } = await evaluation('1', 'held-out');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.input_scale).toBe(digitsIndex.input_scale);
    const core = coreEvaluation(model, xs, digitsIndex.input_scale);
    expectClose(body.metrics, JSON.parse(JSON.stringify(core.metrics)), 1e-12);
    expectClose(
      body.samples.map((s) => s.encoded[0]),
      core.encoded,
      1e-12,
    );
    expectClose(
      body.samples.map((s) => s.encoded[0]),
      digitsIndex.samples.map((s) => s.encoded_after_input_scale),
      1e-4,
    );
    expect(body.convergence.converged).toBe(
      Math.abs(core.metrics.correlation) >= 0.5 &&
        Math.min(...Object.entries(core.metrics.mean_by_class).map(([, m]) => Math.abs(m))) >= 0.5,
    );
  });

  it('is a cached job: the second request is served from the done job', async () => {
    const first = await t.app.inject('/api/models/digits/versions/1/evaluation?set=held-out&wait=60');
    const second = await t.app.inject('/api/models/digits/versions/1/evaluation?set=held-out');
    expect(second.statusCode).toBe(200);
    expect(second.headers['gradiend-job']).toBe(first.headers['gradiend-job']);
  });

  it("matches, at sampled k's, the scorecards of versions really pruned through the API", async () => {
    const ks = [37, 500];
    const curve = await get<PruningCurveResponse>(
      `/api/models/digits/versions/1/pruning-curve?set=held-out&points=12&k=${ks.join(',')}&wait=60`,
    );
    expect(curve.status, JSON.stringify(curve.body)).toBe(200);
    const points = curve.body.points;
    expect(points.map((p) => p.k)).toEqual([...points.map((p) => p.k)].sort((a, b) => a - b));
    expect(points.at(-1)?.k).toBe(model.inputDim);
    expectClose(
      points.at(-1)?.encoded,
      (await evaluation('1', 'held-out')).body.samples.map((s) => s.encoded),
      1e-5,
    );
    for (const k of ks) {
      const point = points.find((p) => p.k === k);
      expect(point, `k=${k}`).toBeDefined();
      const version = await prune('1', k);
      const pruned = await evaluation(String(version), 'held-out');
      expect(pruned.status, JSON.stringify(pruned.body)).toBe(200);
      expectClose(
        point?.encoded,
        pruned.body.samples.map((s) => s.encoded),
        1e-5,
      );
      expect(point?.correlation).toBeCloseTo(pruned.body.metrics.correlation as number, 5);
      expectClose(point?.mean_by_class, pruned.body.metrics.mean_by_class, 1e-5);
    }
  });

  it("serves a batched set given in a pruned root's space to that root and to versions pruned from it", async () => {
    const root = await prune('1', 800);
    const rootModel = model.prune({ topk: { count: 800 }, part: 'decoder-weight' }).model;
    const rows = await flattenedDigits(rootModel);
    const data = new Float32Array(rows.length * rootModel.inputDim);
    rows.forEach((r, i) => data.set(r, i * rootModel.inputDim));
    const batched = serializeSafetensors({
      gradients: { dtype: 'F32', shape: [rows.length, rootModel.inputDim], data },
    });
    const manifest = JSON.stringify({
      rows: digitsManifestRows.map(({ file: _f, ...r }, i) => ({ row: i, ...r })),
    });
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/labeled-sets',
      ...multipart([
        { field: 'name', value: 'batched' },
        { field: 'version', value: String(root) },
        { field: 'manifest', filename: 'manifest.json', value: manifest },
        { field: 'gradients', filename: 'all.safetensors', value: Buffer.from(batched) },
      ]),
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ format: 'batched', n_samples: 24, input_dim: 800, root_version: root });

    const child = await prune(String(root), 120);
    for (const ref of [root, child]) {
      const viaBatched = await evaluation(String(ref), 'batched');
      const viaFiles = await evaluation(String(ref), 'held-out');
      expect(viaBatched.status, JSON.stringify(viaBatched.body)).toBe(200);
      expectClose(
        viaBatched.body.samples.map((s) => s.encoded),
        viaFiles.body.samples.map((s) => s.encoded),
        1e-12,
      );
      expectClose(viaBatched.body.metrics, viaFiles.body.metrics, 1e-12);
    }
    const served = async (ref: number) =>
      (
        await get<{ items: { name: string }[] }>(`/api/models/digits/labeled-sets?version=${ref}`)
      ).body.items.map((x) => x.name);
    expect(await served(child)).toEqual(['batched', 'held-out']);
    expect(await served(1)).toEqual(['held-out']);
    // Version 1 is not pruned from the batched set's root.
    const outside = await t.app.inject('/api/models/digits/versions/1/evaluation?set=batched');
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'GRADIEND_ERR_LABELED_SET_SPACE' });
  });

  it('stores F16 and BF16 gradients as given (a `module.` prefix tolerated) and encodes what they hold', async () => {
    for (const [dtype, modelDType] of [
      ['F16', 'float16'],
      ['BF16', 'bfloat16'],
    ] as const) {
      const files: Part[] = [];
      const rounded: Float32Array[] = [];
      for (const s of digitsIndex.samples) {
        const tensors = await readTensorFile(path.join(DIGITS_GRADIENTS, s.file));
        const cast = [...tensors].map(
          ([name, t]) => [`module.${name}`, castToModelDType(t, modelDType)] as const,
        );
        files.push({ field: 'gradients', filename: s.file, value: Buffer.from(serializeSafetensors(cast)) });
        const grads = new Map<string, GradientTensor>(
          cast.map(([name, t]) => [name, { shape: t.shape, data: toFloat64(t) }]),
        );
        rounded.push(Float32Array.from(model.flattenGradientDict(grads)));
      }
      const name = `half-${dtype.toLowerCase()}`;
      const up = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits/labeled-sets',
        ...multipart([
          { field: 'name', value: name },
          { field: 'version', value: '1' },
          { field: 'manifest', filename: 'manifest.json', value: JSON.stringify(digitsManifestRows) },
          ...files,
        ]),
      });
      expect(up.statusCode, up.body).toBe(201);
      expect(up.json()).toMatchObject({ dtype });
      const { status, body } = await evaluation('1', name);
      expect(status, JSON.stringify(body)).toBe(200);
      const core = coreEvaluation(model, rounded, digitsIndex.input_scale);
      expectClose(
        body.samples.map((s) => s.encoded[0]),
        core.encoded,
        1e-12,
      );
      expectClose(body.metrics, JSON.parse(JSON.stringify(core.metrics)), 1e-12);
    }
  });

  it('refuses malformed sets with problem+json naming the problem', async () => {
    const blobsBefore = await t.blobKeys();
    const upload = (parts: Part[]) =>
      t.app.inject({ method: 'POST', url: '/api/models/digits/labeled-sets', ...multipart(parts) });
    const manifest = (rows: object[]): Part => ({
      field: 'manifest',
      filename: 'manifest.json',
      value: JSON.stringify(rows),
    });

    const missing = await upload(
      digitsSetParts('x', '1', manifest([...digitsManifestRows, { file: 'nope.safetensors', label: 1 }])),
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'GRADIEND_ERR_LABELED_SET' });
    expect(missing.json().detail).toContain('nope.safetensors');

    const badLabel = await upload(
      digitsSetParts('x', '1', manifest(digitsManifestRows.map((r) => ({ ...r, label: 'three' })))),
    );
    expect(badLabel.statusCode).toBe(422);
    expect(badLabel.json().detail).toContain('label');

    const unknown = serializeSafetensors({
      'head.weight': { dtype: 'F32', shape: [2], data: new Float32Array(2) },
    });
    const wrongNames = await upload([
      { field: 'name', value: 'x' },
      manifest([{ file: 'a.safetensors', label: 1 }]),
      { field: 'gradients', filename: 'a.safetensors', value: Buffer.from(unknown) },
    ]);
    expect(wrongNames.statusCode).toBe(422);
    expect(wrongNames.json().detail).toContain("'head.weight'");

    const taken = await upload(digitsSetParts('held-out', '1', manifest(digitsManifestRows)));
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'GRADIEND_ERR_LABELED_SET_EXISTS' });

    const ints = serializeSafetensors({ rows: { dtype: 'I32', shape: [1, 2], data: new Int32Array(2) } });
    const batchedWrong = await upload([
      { field: 'name', value: 'x' },
      manifest([{ row: 0, label: 1 }]),
      { field: 'gradients', filename: 'b.safetensors', value: Buffer.from(ints) },
    ]);
    expect(batchedWrong.statusCode).toBe(422);
    expect(batchedWrong.json().detail).toContain('[N, ');

    const noManifest = await upload([
      { field: 'name', value: 'x' },
      ...digitsSetParts('x', '1', manifest([])).slice(3),
    ]);
    expect(noManifest.statusCode).toBe(400);
    expect(noManifest.json()).toMatchObject({ code: 'GRADIEND_ERR_UPLOAD_EMPTY' });
    // Nothing of a refused upload stays behind.
    expect(await t.blobKeys()).toEqual(blobsBefore);

    const noSet = await t.app.inject('/api/models/digits/versions/1/evaluation?set=nope');
    expect(noSet.statusCode).toBe(404);
    expect(noSet.json()).toMatchObject({ code: 'GRADIEND_ERR_LABELED_SET_NOT_FOUND' });
  });

  it('refuses to score a set the scorecard cannot use (one class only)', async () => {
    const one = digitsManifestRows.filter((r) => r.label === 1);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/labeled-sets',
      ...multipart([
        { field: 'name', value: 'threes' },
        { field: 'version', value: '1' },
        { field: 'manifest', filename: 'm.json', value: JSON.stringify(one) },
        ...one.map((r) => ({
          field: 'gradients',
          filename: r.file,
          value: fs.readFileSync(path.join(DIGITS_GRADIENTS, r.file)),
        })),
      ]),
    });
    expect(res.statusCode, res.body).toBe(201);
    const scored = await t.app.inject('/api/models/digits/versions/1/evaluation?set=threes&wait=60');
    expect(scored.statusCode).toBe(422);
    expect(scored.json()).toMatchObject({ code: 'GRADIEND_ERR_ENCODER_METRICS' });
  });

  it('deletes a set, its blobs going when nothing else uses them', async () => {
    const before = await t.blobKeys();
    const set = (
      await get<{ files: { name: string; sha256: string }[] }>('/api/models/digits/labeled-sets/threes')
    ).body;
    const del = await t.app.inject({ method: 'DELETE', url: '/api/models/digits/labeled-sets/threes' });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject('/api/models/digits/labeled-sets/threes')).statusCode).toBe(404);
    const after = await t.blobKeys();
    // The gradient files are shared with held-out; only the manifest blob is gone.
    const gone = before.filter((k) => !after.includes(k));
    expect(gone).toEqual([set.files.find((f) => f.name === 'manifest.json')?.sha256]);
    const audit = await get<{ items: { action: string }[] }>(
      '/api/audit?model=digits&action=labeled-set.delete',
    );
    expect(audit.body.items).toHaveLength(1);
  });
});
