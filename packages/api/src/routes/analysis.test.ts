import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadCheckpoint, readSafetensorsBuffer } from '@gradiend/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitsPath, fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

interface Prune {
  id: number;
  args: Record<string, unknown>;
  input_dim?: number;
  param_map_hash?: string;
  error?: unknown;
}
interface Expected {
  input_dim: number;
  topk_weights: Record<string, number[]>;
  prunes: Prune[];
}

function expected(fixture: string): Expected {
  return JSON.parse(fs.readFileSync(fixturePath(fixture, 'expected.json'), 'utf8')) as Expected;
}

/**
 * JSON.parse turns the reference's `topk: 1.0` (a fraction: keep all) into 1 (a count). The raw
 * literals tell them apart; the API then gets the unambiguous form.
 */
function topkLiterals(fixture: string): string[] {
  const raw = fs.readFileSync(fixturePath(fixture, 'expected.json'), 'utf8');
  return [...raw.matchAll(/"topk":\s*([-+0-9.eE]+)/g)].map((m) => m[1] ?? '');
}

/** Prune cases whose arguments are JSON scalars (tensor arguments are skipped), as the API takes them. */
function scalarPrunes(fixture: string): Prune[] {
  const literals = topkLiterals(fixture);
  let next = 0;
  const out: Prune[] = [];
  for (const p of expected(fixture).prunes) {
    const literal = 'topk' in p.args ? literals[next++] : undefined;
    const scalar = Object.values(p.args).every(
      (v) => typeof v === 'number' || (typeof v === 'string' && !v.startsWith('tensor:')),
    );
    if (p.error !== undefined || !scalar) continue;
    const floatInteger = literal !== undefined && /[.eE]/.test(literal) && Number.isInteger(Number(literal));
    out.push(floatInteger ? { ...p, args: { ...p.args, topk: { fraction: Number(literal) } } } : p);
  }
  return out;
}

/** The first index where `ok` fails, or -1: one expect for 10^5 rows (per-row expects, and
 * toEqual on large arrays, take seconds). */
function mismatch<T>(items: readonly T[], ok: (item: T, i: number) => boolean): number {
  return items.findIndex((item, i) => !ok(item, i));
}

describe('analysis and operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    for (const [name, dir] of [
      ['two', fixturePath('two-layer-all', 'model')],
      ['mixed', fixturePath('mixed-latent3', 'model')],
      ['bert', fixturePath('bert-shaped-224k', 'model')],
      ['digits', digitsPath('gradiend-digits-3-vs-8')],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/models/${name}/versions`,
        ...multipart(folderParts(dir)),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('params lists each parameter with selection and importance', async () => {
    const res = (await t.app.inject('/api/models/two/versions/1/params?part=decoder-weight')).json();
    expect(res.items.map((p: { name: string }) => p.name)).toEqual(['layer1.weight', 'layer2.weight']);
    expect(res.items[0]).toMatchObject({ shape: [10, 5], numel: 50, selected: 50, coverage: 1 });
    const total = res.items.reduce((s: number, p: { selected: number }) => s + p.selected, 0);
    expect(total).toBe(expected('two-layer-all').input_dim);
  });

  it('importance as JSON and f32 agree; histogram counts every value', async () => {
    const json = (await t.app.inject('/api/models/bert/versions/1/importance')).json();
    const bin = await t.app.inject('/api/models/bert/versions/1/importance?format=f32');
    const f32 = new Float32Array(
      bin.rawPayload.buffer.slice(
        bin.rawPayload.byteOffset,
        bin.rawPayload.byteOffset + bin.rawPayload.byteLength,
      ),
    );
    expect(f32.length).toBe(expected('bert-shaped-224k').input_dim);
    expect(json.values.slice(0, 5)).toEqual(Array.from(f32.slice(0, 5)));
    for (const scale of ['linear', 'log']) {
      const h = (
        await t.app.inject(`/api/models/bert/versions/1/importance/histogram?bins=32&scale=${scale}`)
      ).json();
      const inBins = h.counts.reduce((a: number, b: number) => a + b, 0);
      const excluded = scale === 'log' ? h.zeros : 0;
      expect(inBins + h.below_range + h.above_range + excluded + h.non_finite).toBe(h.total);
    }
  });

  it('heatmap pools a parameter into at most rows × cols cells', async () => {
    const res = await t.app.inject(
      '/api/models/bert/versions/1/params/bert.embeddings.word_embeddings.weight/heatmap?rows=100&cols=16',
    );
    const h = res.json();
    expect(h.matrix_shape).toEqual([3000, 64]);
    expect(h.values.length).toBeLessThanOrEqual(100);
    expect(h.values[0].length).toBe(16);
    expect(h.coverage[0][0]).toBe(1);
    // Independently pooled from the served importance: the parameter's slice, row-major.
    const f32 = await t.app.inject('/api/models/bert/versions/1/importance?format=f32');
    const importance = new Float32Array(new Uint8Array(f32.rawPayload).buffer);
    const rows = (await t.app.inject('/api/models/bert/versions/1/params')).json().items as {
      name: string;
      selected: number;
    }[];
    const at = rows.findIndex((r) => r.name === 'bert.embeddings.word_embeddings.weight');
    const offset = rows.slice(0, at).reduce((n, r) => n + r.selected, 0);
    for (const agg of ['max', 'mean', 'sum'] as const) {
      const got = (
        await t.app.inject(
          `/api/models/bert/versions/1/params/bert.embeddings.word_embeddings.weight/heatmap?rows=100&cols=16&agg=${agg}`,
        )
      ).json();
      for (const [r, c] of [
        [0, 0],
        [7, 3],
        [got.rows - 1, got.cols - 1],
      ] as const) {
        const cell: number[] = [];
        for (let i = r * got.row_bin; i < Math.min((r + 1) * got.row_bin, 3000); i++) {
          for (let j = c * got.col_bin; j < Math.min((c + 1) * got.col_bin, 64); j++) {
            cell.push(importance[offset + i * 64 + j] as number);
          }
        }
        const sum = cell.reduce((a, b) => a + b, 0);
        const want = agg === 'max' ? Math.max(...cell) : agg === 'sum' ? sum : sum / cell.length;
        expect(got.values[r][c]).toBeCloseTo(want, 10);
      }
    }
    const bias = (
      await t.app.inject(
        '/api/models/bert/versions/1/params/bert.encoder.layer.0.attention.self.query.bias/heatmap',
      )
    ).json();
    expect(bias.matrix_shape).toEqual([1, 64]);
    const missing = await t.app.inject('/api/models/bert/versions/1/params/nope/heatmap');
    expect(missing.statusCode).toBe(404);
  });

  it('top-k matches the reference selection (JSON and CSV)', async () => {
    const e = expected('two-layer-all');
    for (const [key, indices] of Object.entries(e.topk_weights)) {
      const [part, k] = key.split('|');
      const res = (await t.app.inject(`/api/models/two/versions/1/topk?part=${part}&k=${k}`)).json();
      expect(new Set(res.items.map((r: { local_index: number }) => r.local_index)), key).toEqual(
        new Set(indices),
      );
    }
    const csv = await t.app.inject('/api/models/two/versions/1/topk?k=5&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(6);
  });

  it('top-k of every dim streams as CSV and JSON (past the JSON page size) in the core topK order', async () => {
    const { model } = await loadCheckpoint(fixturePath('bert-shaped-224k', 'model'));
    const part = 'encoder-weight';
    const order = model.topK(part, { fraction: 1 });
    const importance = model.importance(part);
    expect(order.length).toBeGreaterThan(100_000); // more rows than one JSON page may hold
    const url = `/api/models/bert/versions/1/topk?part=${part}&k=100%25`;

    const csv = await t.app.inject(`${url}&format=csv`);
    expect(csv.statusCode, csv.body.slice(0, 500)).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="bert-v1-topk.csv"');
    const lines = csv.body.split('\n');
    expect(lines[0]).toBe(
      'rank,importance,local_index,base_global_index,param,flat_index,coords,param_shape',
    );
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1).map((line) => line.split(','));
    expect(rows.length).toBe(order.length);
    expect(mismatch(rows, (r, i) => Number(r[0]) === i + 1)).toBe(-1);
    expect(mismatch(rows, (r, i) => Number(r[2]) === order[i])).toBe(-1);
    expect(mismatch(rows, (r, i) => Number(r[1]) === importance[order[i] ?? -1])).toBe(-1);
    expect(mismatch(rows, (r, i) => Number(r[3]) === model.baseGlobalIndex(order[i] ?? -1))).toBe(-1);
    // A repeated download is served as rendered the first time.
    const again = await t.app.inject(`${url}&format=csv`);
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-disposition']).toBe(csv.headers['content-disposition']);
    expect(again.body === csv.body).toBe(true);

    const json = await t.app.inject(`${url}&download=true`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    const doc = json.json<{ part: string; k: string; items: { rank: number; local_index: number }[] }>();
    expect(doc).toMatchObject({ part, k: '100%' });
    expect(doc.items).toHaveLength(order.length);
    expect(mismatch(doc.items, (r, i) => r.local_index === order[i] && r.rank === i + 1)).toBe(-1);

    // The JSON view pages through the same rows.
    const page = (await t.app.inject(`${url}&offset=100000&limit=3`)).json();
    expect(page).toMatchObject({ total: order.length, offset: 100_000 });
    expect(page.items).toEqual(doc.items.slice(100_000, 100_003));
    // The default page size is the 100,000-row maximum: near the end only the rest is left.
    const tail = (await t.app.inject(`${url}&offset=${order.length - 5}`)).json();
    expect(tail.items).toEqual(doc.items.slice(-5));
    const past = (await t.app.inject(`${url}&offset=${order.length}`)).json();
    expect(past).toMatchObject({ total: order.length, items: [] });
  });

  it('a streamed top-k with a bad k fails with a problem before any row', async () => {
    const res = await t.app.inject('/api/models/bert/versions/1/topk?k=0.5x&format=csv');
    expect(res.statusCode).toBe(400);
    const fraction = await t.app.inject('/api/models/bert/versions/1/topk?k=1.5&format=csv');
    expect(fraction.statusCode).toBe(400);
    expect(fraction.headers['content-type']).toContain('application/problem+json');
  });

  it.each(['two-layer-all', 'mixed-latent3', 'bert-shaped-224k'])(
    'prune preview and prune of %s match the reference',
    async (fixture) => {
      const model =
        { 'two-layer-all': 'two', 'mixed-latent3': 'mixed', 'bert-shaped-224k': 'bert' }[fixture] ?? '';
      for (const p of scalarPrunes(fixture)) {
        const preview = await t.app.inject({
          method: 'POST',
          url: `/api/models/${model}/versions/1/prune/preview`,
          payload: p.args,
        });
        expect(preview.statusCode, preview.body).toBe(200);
        // Summary answers carry no hash unless nothing is removed (it needs the exact positions).
        const { method, param_map_hash: hash } = preview.json();
        expect(['summary', 'scan', 'prune']).toContain(method);
        expect(preview.json().input_dim).toBe(p.input_dim);
        if (method === 'prune' || hash !== null) expect(hash).toBe(p.param_map_hash);
        const pruned = await t.app.inject({
          method: 'POST',
          url: `/api/models/${model}/versions/1/prune`,
          payload: { ...p.args, target: `${model}-pruned` },
        });
        expect(pruned.statusCode, pruned.body).toBe(201);
        expect(pruned.json()).toMatchObject({
          input_dim: p.input_dim,
          param_map_hash: p.param_map_hash,
          parent: { name: model, version: 1 },
          operation: 'prune',
        });
        expect(pruned.headers.location).toMatch(new RegExp(`^/api/models/${model}-pruned/versions/\\d+$`));
        // The preview's sizes are exact: the source's stored files, and what the prune then stored.
        const source = (await t.app.inject(`/api/models/${model}/versions/1`)).json();
        const stored = (await t.app.inject(pruned.headers.location ?? '')).json();
        const sizes = (files: { size: number }[]) => files.reduce((n, f) => n + f.size, 0);
        expect(preview.json().stored_bytes_before).toBe(sizes(source.files));
        expect(preview.json().stored_bytes_after).toBe(sizes(stored.files));
        // Kept per parameter is exactly what the prune kept.
        const keptByPrune = new Map(
          stored.param_map.map((e: { name: string; num_selected: number }) => [e.name, e.num_selected]),
        );
        for (const row of preview.json().params as { name: string; kept: number }[]) {
          expect(row.kept, row.name).toBe(keptByPrune.get(row.name) ?? 0);
        }
        expect(pruned.json().prune).toMatchObject({
          stored_bytes_before: sizes(source.files),
          stored_bytes_after: sizes(stored.files),
        });
      }
      const conflict = await t.app.inject({ method: 'DELETE', url: `/api/models/${model}/versions/1` });
      expect(conflict.statusCode).toBe(409);
    },
  );

  it.each(['two', 'bert'])(
    'a prune of %s stores files whose hashes and summary are what an upload of them gives',
    async (model) => {
      const pruned = await t.app.inject({
        method: 'POST',
        url: `/api/models/${model}/versions/1/prune`,
        payload: { topk: 7, target: `${model}-rehashed` },
      });
      expect(pruned.statusCode, pruned.body).toBe(201);
      const version = pruned.json<{ files: { name: string; sha256: string; size: number }[] }>();
      // The prune hashed while writing; the stored bytes must be exactly what it reported.
      const parts = [];
      for (const f of version.files) {
        const body = (await t.app.inject(`${pruned.headers.location ?? ''}/files/${f.name}`)).rawPayload;
        expect({ sha256: createHash('sha256').update(body).digest('hex'), size: body.length }).toEqual({
          sha256: f.sha256,
          size: f.size,
        });
        parts.push({ field: 'files', filename: f.name, value: body });
      }
      // Uploading the same files inspects them from disk: the summary must agree with the prune's.
      const uploaded = await t.app.inject({
        method: 'POST',
        url: `/api/models/${model}-reuploaded/versions`,
        ...multipart(parts),
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      const summary = (v: Record<string, unknown>) => {
        const { architecture, param_map, param_map_hash, input_dim, latent_dim, dtype, unpruned_length } = v;
        const { base_model, gradient_context, training, metadata, files } = v;
        return {
          ...{ architecture, param_map, param_map_hash, input_dim, latent_dim, dtype, unpruned_length },
          ...{ base_model, gradient_context, training, metadata, files },
        };
      };
      expect(summary(pruned.json())).toEqual(summary(uploaded.json()));
    },
  );

  it('invalid prune arguments give 422 with the core message', async () => {
    for (const body of [{}, { threshold: 1e9 }]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/two/versions/1/prune/preview',
        payload: body,
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('GRADIEND_ERR_PRUNE_ARGUMENT');
    }
  });

  it('top-k forms: "100%" and {"fraction": 1} keep all (the reference topk 1.0), 1 keeps one', async () => {
    const reference = expected('two-layer-all').prunes.find((p) => p.id === 7);
    expect(scalarPrunes('two-layer-all').find((p) => p.id === 7)?.args).toEqual({ topk: { fraction: 1 } });
    const preview = (topk: unknown, part?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/models/two/versions/1/prune/preview',
        payload: { topk, ...(part ? { part } : {}) },
      });
    for (const topk of ['100%', { fraction: 1 }]) {
      expect((await preview(topk)).json()).toMatchObject({
        input_dim: reference?.input_dim,
        param_map_hash: reference?.param_map_hash,
      });
    }
    expect((await preview(1)).json().input_dim).toBe(1);
    expect((await preview({ count: 1 })).json().input_dim).toBe(1);
    expect((await preview('25%')).json().input_dim).toBe((await preview(0.25)).json().input_dim);
    for (const bad of [1.5, '0%', '150%', 'half', { fraction: 0 }, { count: 0 }, { count: 1, fraction: 1 }]) {
      const res = await preview(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
    }
    const pruned = await t.app.inject({
      method: 'POST',
      url: '/api/models/two/versions/1/prune',
      payload: { topk: '100%', target: 'two-all' },
    });
    expect(pruned.json().operation_args).toMatchObject({ topk: { fraction: 1 } });

    const all = (await t.app.inject('/api/models/two/versions/1/topk?k=100%25')).json();
    expect(all.items).toHaveLength(reference?.input_dim ?? -1);
    expect(all.k).toBe('100%');
    const one = (await t.app.inject('/api/models/two/versions/1/topk?k=1.0')).json();
    expect(one.items).toHaveLength(1);
    const cmp = (await t.app.inject('/api/compare?a=two@1&b=two@1&k=10%25')).json();
    expect(cmp).toMatchObject({ k: '10%', iou: 1, size_a: 6 });
    expect((await t.app.inject('/api/models/two/versions/1/topk?k=2.5')).statusCode).toBe(400);
  });

  describe('digits encode reproduces the reference encodings', () => {
    const index = JSON.parse(fs.readFileSync(digitsPath('gradients', 'index.json'), 'utf8')) as {
      input_scale: number;
      samples: { file: string; encoded_after_input_scale: number }[];
    };

    it('safetensors body (one request per sample)', async () => {
      for (const s of index.samples) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/models/digits/versions/1/encode?input_scale=auto',
          headers: { 'content-type': 'application/x-safetensors' },
          payload: fs.readFileSync(digitsPath('gradients', s.file)),
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().encoded[0][0]).toBeCloseTo(s.encoded_after_input_scale, 4);
      }
    });

    it('raw float32 and JSON bodies (all samples in one batch)', async () => {
      const { model } = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
      const rows = index.samples.map((s) => {
        const tensors = readSafetensorsBuffer(
          new Uint8Array(fs.readFileSync(digitsPath('gradients', s.file))),
        ).tensors();
        return Float32Array.from(model.flattenGradientDict(tensors as never), (v) => v / index.input_scale);
      });
      const raw = Buffer.concat(rows.map((r) => Buffer.from(r.buffer)));
      const f32 = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits/versions/1/encode',
        headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream' },
        payload: raw,
      });
      const out = new Float32Array(
        f32.rawPayload.buffer.slice(
          f32.rawPayload.byteOffset,
          f32.rawPayload.byteOffset + f32.rawPayload.byteLength,
        ),
      );
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits/versions/1/encode',
        payload: { inputs: rows.map((r) => Array.from(r)) },
      });
      index.samples.forEach((s, i) => {
        expect(out[i]).toBeCloseTo(s.encoded_after_input_scale, 4);
        expect(json.json().encoded[i][0]).toBeCloseTo(s.encoded_after_input_scale, 4);
        expect(model.encode(rows[i] ?? new Float32Array(), 1)[0]).toBeCloseTo(out[i] ?? NaN, 5);
      });
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits/versions/1/encode',
        payload: { inputs: [[1, 2]] },
      });
      expect(bad.statusCode).toBe(422);
    });

    it('decode agrees with the core; safetensors decode is base-shaped', async () => {
      const { model } = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits/versions/1/decode',
        payload: { latent: [[0.5]] },
      });
      const got = new Float32Array(
        res.rawPayload.buffer.slice(
          res.rawPayload.byteOffset,
          res.rawPayload.byteOffset + res.rawPayload.byteLength,
        ),
      );
      const want = model.decode([0.5], 1);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < got.length; i += 97) expect(got[i]).toBeCloseTo(want[i] ?? NaN, 5);
      const st = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits/versions/1/decode',
        headers: { accept: 'application/x-safetensors' },
        payload: { latent: [[0.5]] },
      });
      const tensors = readSafetensorsBuffer(new Uint8Array(st.rawPayload)).tensors();
      expect(tensors.get('fc1.weight')?.shape).toEqual([32, 64]);
      const onnx = await t.app.inject('/api/models/digits/versions/1/onnx/encoder');
      expect(onnx.statusCode).toBe(200);
      expect(onnx.rawPayload.length).toBeGreaterThan(1000);
    });
  });

  it('compare reports the overlap of two top-k selections', async () => {
    const same = (await t.app.inject('/api/compare?a=bert@1&b=bert@latest&k=100')).json();
    expect(same).toMatchObject({ size_a: 100, size_b: 100, intersection: 100, iou: 1 });
    const cross = (await t.app.inject('/api/compare?a=bert@1&b=bert@1&k=50&part=encoder-weight')).json();
    expect(cross.params.reduce((s: number, p: { a: number }) => s + p.a, 0)).toBe(50);
    expect(path.basename('x')).toBe('x');
  });
});
