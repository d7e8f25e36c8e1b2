import { afterEach, describe, expect, it } from 'vitest';
import {
  countingRoutes,
  createCountingJobKind,
  type CountResult,
} from '../test-support/counting-job-kind.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import type { JobJson } from '../jobs/job-json.js';
import { jobKey } from '../jobs/job-key.js';
import { sweepOrphanBlobs } from '../registry/orphan-sweep.js';

const apps: TestApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function counting(overrides: Parameters<typeof createTestApp>[0] = {}) {
  const { kind, runs } = createCountingJobKind();
  const t = await createTestApp(
    { jobPollMs: 20, jobLeaseMs: 3_000, ...overrides },
    { jobKinds: [kind], plugins: [countingRoutes(kind)] },
  );
  apps.push(t);
  const count = (body: object, query = '') =>
    t.app.inject({ method: 'POST', url: `/api/test/count${query}`, payload: body });
  const job = async (id: string, query = ''): Promise<JobJson> =>
    (await t.app.inject(`/api/jobs/${id}${query}`)).json<JobJson>();
  return { t, runs, count, job };
}

describe('jobs through a route (replyWithJob) and /api/jobs', () => {
  it('answers 202 + Location, reports progress, then serves the stored result; a repeat is a cache hit', async () => {
    const { t, runs, count, job } = await counting();
    const first = await count({ to: 5, stepMs: 100 });
    expect(first.statusCode).toBe(202);
    const accepted = first.json<JobJson>();
    expect(first.headers.location).toBe(`/api/jobs/${accepted.id}`);
    expect(accepted).toMatchObject({ kind: 'test-count', state: 'queued', created_by: 'anonymous' });

    const seen = new Set<number>();
    let current = accepted;
    while (current.state !== 'done') {
      current = await job(accepted.id);
      seen.add(current.progress.fraction);
      await new Promise((r) => setTimeout(r, 15));
    }
    // Progress was visible between 0 and 1 (fractions are the handler's i/5).
    expect([...seen].some((f) => f > 0 && f < 1)).toBe(true);
    expect(current.progress).toEqual({ fraction: 1, message: 'counted 5 of 5' });
    expect(current.elapsed_ms).toBeGreaterThanOrEqual(5 * 100 - 5);
    expect(current.result?.href).toBe(`/api/jobs/${accepted.id}/result`);

    const result = await t.app.inject(current.result?.href ?? '');
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    const value = result.json<CountResult>();
    expect(value).toMatchObject({ counted: 5, pid: process.pid, attempt: 1 });

    // The same request again: answered from the stored result by the same job, not recomputed.
    const again = await count({ stepMs: 100, to: 5 });
    expect(again.statusCode).toBe(200);
    expect(again.headers['gradiend-job']).toBe(accepted.id);
    expect(again.json()).toEqual(value);
    expect(runs).toEqual([accepted.id]);
    // Found by key without starting anything (key = jobKey(kind, args) when none was given).
    expect((await t.app.services.jobs.find(jobKey('test-count', { to: 5, stepMs: 100 })))?.id).toBe(
      accepted.id,
    );
    expect(await t.app.services.jobs.find(jobKey('test-count', { to: 6, stepMs: 100 }))).toBeNull();

    const audit = await t.app.services.meta.listAudit({ action: 'job.start', limit: 10, offset: 0 });
    expect(audit.map((a) => a.details)).toEqual([{ job: accepted.id, kind: 'test-count' }]);
  });

  it('joins concurrent identical requests into one job; ?wait= blocks until done', async () => {
    const { runs, count } = await counting();
    const body = { to: 4, stepMs: 30, tag: 'join' };
    const answers = await Promise.all([count(body, '?wait=10'), count(body, '?wait=10'), count(body)]);
    const ids = new Set(answers.map((a) => a.headers['gradiend-job']));
    expect(ids.size).toBe(1);
    expect(answers[0]?.statusCode).toBe(200);
    expect(answers[1]?.statusCode).toBe(200);
    expect(answers[0]?.json()).toMatchObject({ counted: 4, tag: 'join' });
    expect(runs).toHaveLength(1);
  });

  it('cancels a running job: the handler stops at its next step and the job says who cancelled it', async () => {
    const { t, runs, count, job } = await counting();
    const accepted = (await count({ to: 1000, stepMs: 20, tag: 'cancel' })).json<JobJson>();
    let current = accepted;
    // (Each poll sleeps: inject on SQLite resolves in microtasks only and would starve the timers.)
    while (current.progress.fraction === 0) {
      await new Promise((r) => setTimeout(r, 10));
      current = await job(accepted.id);
    }
    expect(current.state).toBe('running');
    const cancelled = await t.app.inject({ method: 'DELETE', url: `/api/jobs/${accepted.id}` });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelled_by: 'anonymous' });
    // The handler stopped: no more progress is written after it noticed.
    await new Promise((r) => setTimeout(r, 150));
    const later = await job(accepted.id);
    await new Promise((r) => setTimeout(r, 150));
    expect(await job(accepted.id)).toEqual(later);
    expect(later.progress.fraction).toBeLessThan(0.5);
    expect(t.app.services.jobs.isRunningHere(accepted.id)).toBe(false);

    const again = await t.app.inject({ method: 'DELETE', url: `/api/jobs/${accepted.id}` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'GRADIEND_ERR_JOB_FINISHED' });
    const result = await t.app.inject(`/api/jobs/${accepted.id}/result`);
    expect(result.statusCode).toBe(409);
    expect(result.json()).toMatchObject({ code: 'GRADIEND_ERR_JOB_CANCELLED' });
    const audit = await t.app.services.meta.listAudit({ action: 'job.cancel', limit: 10, offset: 0 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'anonymous', details: { job: accepted.id } });

    // A cancelled job does not block the key: the same request starts a new job.
    const restarted = await count({ to: 1, stepMs: 1, tag: 'cancel' }, '?wait=10');
    expect(restarted.statusCode).toBe(200);
    expect(restarted.headers['gradiend-job']).not.toBe(accepted.id);
    expect(runs).toHaveLength(2);
  });

  it("a failed job answers the handler's problem+json, by the route and by the job", async () => {
    const { t, count } = await counting();
    const failed = await count({ to: 10, stepMs: 1, failAt: 2 }, '?wait=10');
    expect(failed.statusCode).toBe(422);
    expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = failed.json<{ code: string; detail: string; job: string }>();
    expect(problem).toMatchObject({ code: 'GRADIEND_ERR_PRUNE_ARGUMENT', detail: 'told to fail at step 2' });
    const job = (await t.app.inject(`/api/jobs/${problem.job}`)).json<JobJson>();
    expect(job).toMatchObject({
      state: 'failed',
      error: { code: 'GRADIEND_ERR_PRUNE_ARGUMENT', status: 422 },
    });
    expect(job.progress.fraction).toBeCloseTo(0.2);
  });

  it('lists jobs by model, 404s unknown jobs and validates ids', async () => {
    const { t, count } = await counting();
    await count({ to: 1, stepMs: 1, tag: 'a' }, '?model=alpha&wait=5');
    await count({ to: 1, stepMs: 1, tag: 'b' }, '?model=beta&wait=5');
    const list = (await t.app.inject('/api/jobs?model=alpha')).json<{ items: JobJson[] }>();
    expect(list.items.map((j) => j.model)).toEqual(['alpha']);
    const missing = await t.app.inject('/api/jobs/00000000-0000-0000-0000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'GRADIEND_ERR_JOB_NOT_FOUND' });
    expect((await t.app.inject('/api/jobs/..%2F..')).statusCode).toBe(400);
  });

  it('removes a finished job unused for the retention: 404, its result goes with the orphan sweep, the request recomputes', async () => {
    const retentionS = 3_600;
    const { t, runs, count, job } = await counting({ jobRetentionS: retentionS });
    const body = { to: 2, stepMs: 1, tag: 'retained' };
    const first = await count(body, '?wait=10');
    expect(first.statusCode).toBe(200);
    const id = first.headers['gradiend-job'] as string;
    const done = await job(id);
    const sha = done.result?.sha256 ?? '';
    expect(await t.blobKeys()).toContain(sha);
    const jobs = t.app.services.jobs;
    // Within the retention nothing goes, and a cache hit counts as a use.
    expect(await jobs.removeFinished(Date.now() + (retentionS - 60) * 1000)).toBe(0);
    expect((await count(body)).headers['gradiend-job']).toBe(id);
    // A sweep before the cleanup keeps the result: the job row references it.
    const sweep = (now: number) =>
      sweepOrphanBlobs(
        { meta: t.app.services.meta, blobs: t.blobs, graceMs: 0, isPending: () => false },
        now,
      );
    expect((await sweep(Date.now() + 1000)).deleted).not.toContain(sha);

    expect(await jobs.removeFinished(Date.now() + (retentionS + 60) * 1000)).toBe(1);
    expect((await t.app.inject(`/api/jobs/${id}`)).statusCode).toBe(404);
    expect((await t.app.inject(`/api/jobs/${id}/result`)).statusCode).toBe(404);
    expect((await sweep(Date.now() + 1000)).deleted).toContain(sha);
    // The same request is no longer a cache hit: a new job computes it again, with the same result.
    const again = await count(body, '?wait=10');
    expect(again.statusCode).toBe(200);
    expect(again.headers['gradiend-job']).not.toBe(id);
    expect(again.json()).toEqual(first.json());
    expect(runs).toHaveLength(2);
  });

  it('the runner removes finished jobs by itself once they passed the retention', async () => {
    const { t, count } = await counting({ jobRetentionS: 1 });
    const first = await count({ to: 1, stepMs: 1, tag: 'auto-retention' }, '?wait=10');
    expect(first.statusCode).toBe(200);
    const id = first.headers['gradiend-job'] as string;
    // Nothing uses it again: within a few cleanup rounds (every second here) the row goes.
    while ((await t.app.inject(`/api/jobs/${id}`)).statusCode !== 404)
      await new Promise((r) => setTimeout(r, 100));
    expect(await t.app.services.meta.jobs.get(id)).toBeNull();
  });

  it('exports queue depth, running jobs and durations by kind at /metrics', async () => {
    const { t, count, job } = await counting({ jobConcurrency: 1 });
    await count({ to: 1, stepMs: 1, tag: 'm1' }, '?wait=5');
    const running = (await count({ to: 1000, stepMs: 20, tag: 'm2' })).json<JobJson>();
    const queued = (await count({ to: 1000, stepMs: 20, tag: 'm3' })).json<JobJson>();
    while ((await job(running.id)).progress.fraction === 0) await new Promise((r) => setTimeout(r, 10));
    const text = (await t.app.inject('/metrics')).body;
    expect(text).toContain('gradiend_jobs_running{kind="test-count"} 1');
    expect(text).toContain('gradiend_jobs_queued{kind="test-count"} 1');
    expect(text).toMatch(/gradiend_job_duration_seconds_count\{kind="test-count",outcome="done"\} 1/);
    for (const id of [running.id, queued.id])
      await t.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` });
  });
});
