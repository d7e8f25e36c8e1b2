import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

interface Run {
  call: string;
  args: Record<string, unknown>;
  groups?: Record<string, string[]>;
  result?: Record<string, unknown> & { matrix: number[][] };
  error?: { type: string; message: string };
}

const CASE = 'two-layer-all';
const spec = JSON.parse(fs.readFileSync(fixturePath(CASE, 'similarity.json'), 'utf8')) as {
  models: Record<string, string>;
  runs: Run[];
};
/** Fixture folder → version number, in upload order. */
const folders = Object.values(spec.models);
const ref = (folder: string): string => `two@${folders.indexOf(folder) + 1}`;

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((row, i) =>
    row.forEach((e, j) =>
      expect(Math.abs((actual[i]?.[j] as number) - e)).toBeLessThanOrEqual(1e-4 * Math.abs(e) + 1e-6),
    ),
  );
}

describe('POST /api/compare/matrix', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    for (const folder of folders) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/two/versions',
        ...multipart(folderParts(fixturePath(CASE, folder))),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/models/mixed/versions',
      ...multipart(folderParts(fixturePath('mixed-latent3', 'model'))),
    });
    expect(other.statusCode, other.body).toBe(201);
  });
  afterAll(() => t.close());

  const post = (body: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/compare/matrix', payload: body as object });

  it("returns the reference's matrices for the fixture's runs (plain and seed groups)", async () => {
    const runs = spec.runs.filter((r) => r.call === 'matrix' && r.result);
    expect(runs.length).toBeGreaterThan(5);
    for (const run of runs) {
      const models = run.groups
        ? Object.entries(run.groups).map(([id, fs_]) => ({ id, refs: fs_.map(ref) }))
        : folders.map(ref);
      const { topk, ...rest } = run.args;
      const body = {
        models,
        ...rest,
        ...(topk === undefined || topk === null
          ? {}
          : { topk: Number.isInteger(topk) ? topk : { fraction: topk } }),
      };
      const res = await post(body);
      expect(res.statusCode, `${JSON.stringify(run.args)}: ${res.body}`).toBe(200);
      const got = res.json();
      expectClose(got.matrix, run.result!.matrix);
      expect(got.measure).toBe(run.result!.measure);
      expect(got.part).toBe(run.result!.part);
      if (run.result!.n_matrix) expect(got.n_matrix).toEqual(run.result!.n_matrix);
      if (run.result!.per_model) {
        const ids = run.result!.model_ids as string[];
        expect(Object.values(got.per_model)).toEqual(
          ids.map((id) => (run.result!.per_model as Record<string, unknown>)[id]),
        );
      }
    }
  });

  it('names rows by name@version, caches by content and says so', async () => {
    const body = {
      models: ['two@1', 'two@2', 'two@latest'],
      measure: 'spearman_signed',
      part: 'decoder-sum',
      topk: 10,
    };
    const first = (await post(body)).json();
    expect(first.model_ids).toEqual(['two@1', 'two@2', `two@${folders.length}`]);
    expect(first.models[2]).toEqual({ id: `two@${folders.length}`, versions: [`two@${folders.length}`] });
    expect(first.cached).toBe(false);
    const again = (await post(body)).json();
    expect(again.cached).toBe(true);
    expect(again.matrix).toEqual(first.matrix);
    const run = spec.runs.find((r) => r.args.measure === 'spearman_signed' && !r.groups)!;
    const pick = [0, 1, folders.length - 1];
    expectClose(
      first.matrix,
      pick.map((i) => pick.map((j) => run.result!.matrix[i]![j]!)),
    );
  });

  it('groups by parameter when asked', async () => {
    const res = await post({ models: ['two@1', 'two@2'], measure: 'cosine', group_by: 'param' });
    expect(res.statusCode, res.body).toBe(200);
    const got = res.json();
    expect(got.kind).toBe('grouped');
    expect(Object.keys(got.groups)).toEqual(['layer1.weight', 'layer2.weight']);
    for (const g of Object.values(got.groups) as { matrix: number[][] }[])
      expect(g.matrix[0]?.[0]).toBeCloseTo(1, 6);
  });

  it('refuses models over different base parameter spaces with a 422', async () => {
    const res = await post({ models: ['two@1', 'mixed@1'] });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('GRADIEND_ERR_COMPARISON');
    expect(res.json().detail).toMatch(/map different base parameter spaces/);
  });

  it("reports the reference's argument errors and bad requests", async () => {
    const missing = await post({ models: ['two@1', 'two@2'], measure: 'topk_overlap' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toBe("topk must be provided for measure='topk_overlap'");
    expect((await post({ models: ['two@1'] })).statusCode).toBe(400);
    expect((await post({ models: ['two@1', 'two@2'], measure: 'nonsense' })).statusCode).toBe(400);
    expect((await post({ models: ['two@1', 'two@1'] })).json().detail).toBe('model id two@1 appears twice');
    expect((await post({ models: ['two@1', 'nope@1'] })).statusCode).toBe(404);
    const seeds = await post({ models: [{ id: 's', refs: ['two@1', 'two@2'] }, 'two@3'], group_by: 'layer' });
    expect(seeds.statusCode).toBe(400);
  });
});
