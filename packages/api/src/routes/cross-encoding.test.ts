import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeSafetensors, type GradiendModel } from '@gradiend/core';
import { loadCheckpoint } from '@gradiend/core/node';
import {
  coreEncodings,
  DIGITS_CHECKPOINT,
  digitsIndex,
  digitsManifestRows,
  digitsSetParts,
  flattenedDigits,
  manifestCsv,
} from '../test-support/digits-labeled-set.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import type { CrossEncodingResponse } from '../schemas/cross-encoding.js';

/** The mean of `values` where `labels` has this sign (the reference's class subset, no neutral rows). */
function classMean(values: readonly number[], labels: readonly number[], sign: number): number {
  const kept = values.filter((_, i) => Math.sign(labels[i] as number) === sign);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/**
 * Two GRADIENDs of one base space (the digits demo uploaded as `digits`, and pruned to top-800), and
 * two sets: the demo's held-out samples labeled by the context's direction (`digits/held-out`) and
 * the same samples with the classes swapped (`twin/swapped`, owned by a second model). Expected
 * cells come from the core's own encodings of the samples.
 */
describe('POST /api/compare/cross-encoding', () => {
  let t: TestApp;
  let full: GradiendModel;
  let pruned: GradiendModel;
  let encFull: number[];
  let encPruned: number[];
  const labels = digitsManifestRows.map((r) => r.label);
  const swapped = labels.map((l) => -l);

  const post = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/compare/cross-encoding?wait=60', payload });

  beforeAll(async () => {
    t = await createTestApp({ jobPollMs: 20 });
    for (const name of ['digits', 'twin']) {
      const up = await t.app.inject({
        method: 'POST',
        url: `/api/models/${name}/versions`,
        ...multipart(folderParts(DIGITS_CHECKPOINT)),
      });
      expect(up.statusCode, up.body).toBe(201);
    }
    const prune = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/prune',
      payload: { topk: 800, part: 'decoder-weight' },
    });
    expect(prune.statusCode, prune.body).toBe(201);
    const sets: [string, string, number[]][] = [
      ['digits', 'held-out', labels],
      ['twin', 'swapped', swapped],
    ];
    for (const [model, name, setLabels] of sets) {
      const rows = digitsManifestRows.map((r, i) => ({ ...r, label: setLabels[i] as number }));
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/models/${model}/labeled-sets`,
        ...multipart(
          digitsSetParts(name, '1', {
            field: 'manifest',
            filename: 'manifest.csv',
            value: manifestCsv(rows),
          }),
        ),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    full = (await loadCheckpoint(DIGITS_CHECKPOINT)).model;
    pruned = full.prune({ topk: { count: 800 }, part: 'decoder-weight' }).model;
    encFull = coreEncodings(full, await flattenedDigits(full), digitsIndex.input_scale);
    encPruned = coreEncodings(pruned, await flattenedDigits(pruned), digitsIndex.input_scale);
  });
  afterAll(() => t?.close());

  const columns = [
    { model: 'digits', set: 'held-out' },
    { model: 'twin', set: 'swapped' },
  ];

  it('gives every metric from the rows’ encodings of each column set, across models', async () => {
    for (const metric of ['positive_mean', 'negative_mean', 'positive_minus_negative'] as const) {
      const res = await post({ rows: ['digits@1', 'digits@2'], columns, metric });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<CrossEncodingResponse>();
      expect(body.measure).toBe(`cross_encoding_${metric}`);
      expect(body.rows).toEqual(['digits@1', 'digits@2']);
      expect(body.columns).toEqual(['digits/held-out', 'twin/swapped']);
      const want = (enc: number[], setLabels: number[]) => {
        const pos = classMean(enc, setLabels, 1);
        const neg = classMean(enc, setLabels, -1);
        return metric === 'positive_mean' ? pos : metric === 'negative_mean' ? neg : pos - neg;
      };
      const expected = [encFull, encPruned].map((enc) => [want(enc, labels), want(enc, swapped)]);
      expected.forEach((row, i) =>
        row.forEach((v, j) => expect(body.matrix[i]?.[j], `${metric} [${i}][${j}]`).toBeCloseTo(v, 5)),
      );
      expect(body.available_mask).toEqual([
        [true, true],
        [true, true],
      ]);
    }
  });

  it('normalizes each row by its own set when row i owns column i', async () => {
    const rows = ['digits@1', 'twin@1'];
    const plain = (await post({ rows, columns })).json<CrossEncodingResponse>();
    const res = await post({ rows, columns, normalize: true });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<CrossEncodingResponse>();
    expect(body.row_normalized_by_diagonal).toBe(true);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        expect(body.matrix[i]?.[j]).toBeCloseTo(
          (plain.matrix[i]?.[j] as number) / (plain.matrix[i]?.[i] as number),
          10,
        );
    // Without the ownership pairing the diagonal is not "its own set".
    const bad = await post({ rows: ['digits@1', 'digits@2'], columns, normalize: true });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'GRADIEND_ERR_REQUEST_VALIDATION' });
  });

  it('is one cached job: the same request again is answered by the done job', async () => {
    const body = { rows: ['digits@1'], columns };
    const first = await post(body);
    const second = await t.app.inject({ method: 'POST', url: '/api/compare/cross-encoding', payload: body });
    expect(second.statusCode).toBe(200);
    expect(second.headers['gradiend-job']).toBe(first.headers['gradiend-job']);
  });

  it('refuses a set given in a pruned space to a GRADIEND that reads dims outside it, or leaves the cell empty', async () => {
    const data = new Float32Array(digitsIndex.samples.length * pruned.inputDim);
    (await flattenedDigits(pruned)).forEach((r, i) => data.set(r, i * pruned.inputDim));
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/labeled-sets',
      ...multipart([
        { field: 'name', value: 'top800' },
        { field: 'version', value: '2' },
        {
          field: 'manifest',
          filename: 'manifest.json',
          value: JSON.stringify({
            rows: digitsManifestRows.map(({ file: _f, ...r }, i) => ({ row: i, ...r })),
          }),
        },
        {
          field: 'gradients',
          filename: 'all.safetensors',
          value: Buffer.from(
            serializeSafetensors({
              gradients: { dtype: 'F32', shape: [digitsIndex.samples.length, pruned.inputDim], data },
            }),
          ),
        },
      ]),
    });
    expect(up.statusCode, up.body).toBe(201);
    const cols = [{ model: 'digits', set: 'top800' }];
    const refused = await post({ rows: ['twin@1', 'digits@2'], columns: cols });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'GRADIEND_ERR_LABELED_SET_SPACE' });
    expect(refused.body).not.toMatch(/\/tmp\/|at .*\.ts:/);

    const partial = await post({ rows: ['twin@1', 'digits@2'], columns: cols, allow_incomplete: true });
    expect(partial.statusCode, partial.body).toBe(200);
    const body = partial.json<CrossEncodingResponse>();
    expect(body.matrix[0]).toEqual([null]);
    expect(body.unavailable.map((u) => [u.row, u.column])).toEqual([[0, 0]]);
    expect(body.matrix[1]?.[0]).toBeCloseTo(classMean(encPruned, labels, 1), 5);
  });

  it('refuses unknown sets, repeated rows and unknown metrics with clear errors', async () => {
    const missing = await post({ rows: ['digits@1'], columns: [{ model: 'digits', set: 'nope' }] });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'GRADIEND_ERR_LABELED_SET_NOT_FOUND' });
    const twice = await post({ rows: ['digits@1', 'digits@1'], columns });
    expect(twice.statusCode).toBe(400);
    const badMetric = await post({ rows: ['digits@1'], columns, metric: 'max' });
    expect(badMetric.statusCode).toBe(400);
  });
});
