import { readFile } from 'node:fs/promises';
import { IMPORTANCE_PARTS } from '@gradiend/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../config/config.js';
import type { JobJson } from '../jobs/job-json.js';
import { ANALYSIS_JOB_KIND } from '../schemas/vocabulary.js';
import { digitsPath, fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds the `at`-th call of `target[name]` (among those `when` accepts) until `release()`: the job
 * calling it is then known to be inside that chunk of its work, so a cancel lands mid-work without
 * racing the computation.
 */
interface Gate {
  readonly entered: Promise<void>;
  release(): void;
  /** Calls `when` accepted so far. */
  readonly calls: number;
}

function gate<T extends object>(
  target: T,
  name: keyof T & string,
  { at = 1, when = () => true }: { at?: number; when?: (args: unknown[]) => boolean } = {},
): Gate {
  const original = target[name] as unknown as (...args: unknown[]) => Promise<unknown>;
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  let enter: () => void = () => undefined;
  const entered = new Promise<void>((r) => (enter = r));
  const state = { entered, release: () => release(), calls: 0 };
  const wrapped = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (when(args)) {
      state.calls++;
      if (state.calls === at) {
        enter();
        await released;
      }
    }
    return original.apply(this, args);
  };
  (target as Record<string, unknown>)[name] = wrapped;
  return state;
}

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function app(overrides: Partial<ApiConfig> = {}): Promise<TestApp> {
  const t = await createTestApp({ jobPollMs: 20, ...overrides });
  apps.push(t);
  return t;
}

async function upload(t: TestApp, name: string, folder: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/models/${name}/versions`,
    ...multipart(folderParts(folder)),
  });
  expect(res.statusCode, res.body).toBe(201);
}

/**
 * Cancels the job through `DELETE /api/jobs/{id}` while it is held inside `held`, lets it go on and
 * waits until the worker has stopped. Returns the job as it ended.
 */
async function cancelInside(t: TestApp, id: string, held: Gate): Promise<JobJson> {
  await held.entered;
  const running = (await t.app.inject(`/api/jobs/${id}`)).json<JobJson>();
  expect(running.state).toBe('running');
  const res = await t.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ state: 'cancelled', cancelled_by: 'anonymous' });
  held.release();
  while (t.app.services.jobs.isRunningHere(id)) await sleep(10);
  const job = (await t.app.inject(`/api/jobs/${id}`)).json<JobJson>();
  expect(job).toMatchObject({ state: 'cancelled', result: null });
  const result = await t.app.inject(`/api/jobs/${id}/result`);
  expect(result.statusCode).toBe(409);
  expect(result.json()).toMatchObject({ code: 'GRADIEND_ERR_JOB_CANCELLED' });
  const metrics = (await t.app.inject('/metrics')).body;
  expect(metrics).toMatch(
    new RegExp(`gradiend_job_duration_seconds_count\\{kind="${running.kind}",outcome="cancelled"\\} 1\\b`),
  );
  return job;
}

// Every job kind the API defines stops when cancelled mid-work: the DELETE aborts the handler's
// signal, its next chunk does not run, and nothing it would have stored appears.
describe('DELETE /api/jobs/{id} stops every job kind mid-work', () => {
  it('prune (?async=1): cancelled while pruning, no new version is committed', async () => {
    const t = await app();
    await upload(t, 'm', fixturePath('two-layer-all', 'model'));
    const held = gate(t.app.services.tasks, 'run', { when: ([name]) => name === 'prune' });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions/1/prune?async=1',
      payload: { topk: 3, part: 'decoder-weight' },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    await cancelInside(t, accepted.json<JobJson>().id, held);
    expect(held.calls).toBe(1);
    expect((await t.app.inject('/api/models/m/versions/2')).statusCode).toBe(404);
    const audit = await t.app.services.meta.listAudit({ model: 'm', limit: 50, offset: 0 });
    expect(audit.map((a) => a.action)).not.toContain('version.prune');
    expect(audit.map((a) => a.action)).toContain('job.cancel');
  });

  it('similarity-matrix: cancelled while comparing, no result is stored', async () => {
    const t = await app();
    for (const folder of ['model', 'prune0']) await upload(t, 'two', fixturePath('two-layer-all', folder));
    const blobsBefore = await t.blobKeys();
    const held = gate(t.app.services.tasks, 'run', { when: ([name]) => name === 'similarityMatrix' });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/compare/matrix',
      payload: { models: ['two@1', 'two@2'] },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    await cancelInside(t, accepted.json<JobJson>().id, held);
    expect(held.calls).toBe(1);
    expect(await t.blobKeys()).toEqual(blobsBefore);
  });

  it('analysis-summary (the background analysis of an upload): stops after the part it was computing', async () => {
    const t = await app({ backgroundAnalysis: true });
    // Held in the second of the parts, after the first one was computed.
    const held = gate(t.app.services.analysis, 'summary', { at: 2 });
    await upload(t, 'a', fixturePath('two-layer-all', 'model'));
    // The upload submits the job in the background: it exists once the job is held.
    await held.entered;
    const listed = (await t.app.inject(`/api/jobs?model=a&kind=${ANALYSIS_JOB_KIND}`)).json<{
      items: JobJson[];
    }>();
    expect(listed.items).toHaveLength(1);
    const job = await cancelInside(t, listed.items[0]?.id ?? '', held);
    // The part in progress was finished, the next ones were not started.
    expect(held.calls).toBe(2);
    expect(held.calls).toBeLessThan(IMPORTANCE_PARTS.length);
    // (Progress is written at most every 250 ms, so the stored fraction may lag behind the work.)
    expect(job.progress.fraction).toBeLessThanOrEqual(1 / IMPORTANCE_PARTS.length);
  });

  it('rewrite-effect: cancelled while preparing the base model, the sweep does not finish', async () => {
    const t = await app();
    await upload(t, 'digits', digitsPath('gradiend-digits-3-vs-8'));
    const raw = { 'content-type': 'application/octet-stream' };
    const base = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=digits-mlp-64-32-10',
      headers: raw,
      payload: await readFile(digitsPath('base-mlp.safetensors')),
    });
    expect(base.statusCode, base.body).toBe(201);
    const id = base.json<{ id: string }>().id;
    for (const [part, file] of [
      ['onnx', 'base-mlp.onnx'],
      ['test-set', 'test-digits.safetensors'],
    ] as const) {
      const r = await t.app.inject({
        method: 'PUT',
        url: `/api/base-models/${id}/${part}`,
        headers: raw,
        payload: await readFile(digitsPath(file)),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const held = gate(t.app.services.baseModels, 'materialize');
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits/versions/1/rewrite-effect',
      payload: { target: 3, other: 8 },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = await cancelInside(t, accepted.json<JobJson>().id, held);
    expect(held.calls).toBe(1);
    expect(job.progress.fraction).toBeLessThan(1);
  });
});
