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

  /** Blocks until the job is done (scripts' `?wait=`), so the answer is the result or the problem. */
  const post = (body: unknown, query = '?wait=60') =>
    t.app.inject({ method: 'POST', url: `/api/compare/matrix${query}`, payload: body as object });
  const job = async (id: string) => (await t.app.inject(`/api/jobs/${id}?wait=60`)).json();

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

  it('names rows by name@version; a job keyed by content: 202 + Location, then 200 from the stored result', async () => {
    const body = {
      models: ['two@1', 'two@2', 'two@latest'],
      measure: 'spearman_signed',
      part: 'decoder-sum',
      topk: 10,
    };
    const accepted = await post(body, '');
    expect(accepted.statusCode, accepted.body).toBe(202);
    const id = accepted.json().id as string;
    expect(accepted.headers.location).toBe(`/api/jobs/${id}`);
    expect(accepted.json().kind).toBe('similarity-matrix');
    const finished = await job(id);
    expect(finished.state).toBe('done');
    const stored = (await t.app.inject(finished.result.href)).json();

    // The same versions by other refs (latest = its number) and the same options: the same job, answered at once.
    const again = await post({ ...body, models: ['two@1', 'two@2', `two@${folders.length}`] }, '');
    expect(again.statusCode).toBe(200);
    expect(again.headers['gradiend-job']).toBe(id);
    expect(again.headers['content-location']).toBe(`/api/jobs/${id}/result`);
    const first = again.json();
    expect(first).toEqual(stored);
    expect(first.model_ids).toEqual(['two@1', 'two@2', `two@${folders.length}`]);
    expect(first.models[2]).toEqual({ id: `two@${folders.length}`, versions: [`two@${folders.length}`] });
    const run = spec.runs.find((r) => r.args.measure === 'spearman_signed' && !r.groups)!;
    const pick = [0, 1, folders.length - 1];
    expectClose(
      first.matrix,
      pick.map((i) => pick.map((j) => run.result!.matrix[i]![j]!)),
    );

    // Other options, or other contents under the same ids, are other computations.
    const otherK = await post({ ...body, topk: 11 }, '');
    expect(otherK.headers['gradiend-job']).not.toBe(id);
    const otherContent = await post({ ...body, models: ['two@1', 'two@3', 'two@latest'] }, '');
    expect(otherContent.headers['gradiend-job']).not.toBe(id);
    await Promise.all([job(otherK.json().id), job(otherContent.json().id)]);
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

  it('refuses models over different base parameter spaces with a 422, before any job', async () => {
    const res = await post({ models: ['two@1', 'mixed@1'] }, '');
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('GRADIEND_ERR_COMPARISON');
    expect(res.json().detail).toMatch(/map different base parameter spaces/);
    const seeds = await post({ models: [{ id: 's', refs: ['two@1', 'mixed@1'] }, 'two@2'] }, '');
    expect(seeds.statusCode).toBe(422);
    expect(seeds.json().detail).toMatch(/models 's' and 's' map different base parameter spaces/);
  });

  it("a job that fails with the reference's argument error shows it as the job's problem", async () => {
    const body = { models: ['two@1', 'two@3'], measure: 'mass_overlap' };
    const accepted = await post(body, '');
    expect(accepted.statusCode).toBe(202);
    const failed = await job(accepted.json().id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({
      status: 422,
      code: 'GRADIEND_ERR_COMPARISON',
      detail: "topk must be provided for measure='mass_overlap'",
    });
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
