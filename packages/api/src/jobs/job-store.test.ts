import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { ABANDONED_PROBLEM } from './job-runner.js';
import type { JobStore, NewJob } from './job-types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newJob(key: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    kind: 'store-test',
    key,
    args: { key },
    model: null,
    version: null,
    actor: 'tester',
    maxAttempts: 2,
    reuseDone: true,
    ...overrides,
  };
}

// The store alone (no runner claims 'store-test' jobs): leases, takeovers and joins, on the backend
// the test file runs on.
describe('JobStore', () => {
  let t: TestApp;
  let store: JobStore;

  beforeEach(async () => {
    t = await createTestApp();
    store = t.app.services.meta.jobs;
  });

  afterEach(async () => {
    await t.close();
  });

  it('lets exactly one of many concurrent claims take a queued job', async () => {
    const { job } = await store.submit(newJob('one'));
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.claim(`owner-${i}`, ['store-test'], 10_000)),
    );
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ id: job.id, state: 'running', attempts: 1 });
    expect(await store.claim('late', ['store-test'], 10_000)).toBeNull();
    expect(await store.claim('other-kinds', ['something-else'], 10_000)).toBeNull();
  });

  it('requeues an expired lease, lets the new owner finish and refuses the stale owner', async () => {
    const { job } = await store.submit(newJob('expire'));
    await store.claim('dead', ['store-test'], 1);
    await sleep(20);
    expect(await store.reapExpired(ABANDONED_PROBLEM)).toEqual({ requeued: 1, failed: 0 });
    const again = await store.claim('alive', ['store-test'], 10_000);
    expect(again).toMatchObject({ id: job.id, attempts: 2, leaseOwner: 'alive' });
    expect(await store.heartbeat(job.id, 'dead', 10_000, { fraction: 0.5, message: 'x' })).toBe(false);
    const result = { sha256: 'a'.repeat(64), contentType: 'application/json', size: 2 };
    expect(await store.complete(job.id, 'dead', result)).toBe(false);
    expect(await t.app.services.meta.isBlobReferenced(result.sha256)).toBe(false);
    expect(await store.complete(job.id, 'alive', result)).toBe(true);
    expect(await store.get(job.id)).toMatchObject({ state: 'done', result, leaseOwner: null });
    // The orphan sweep keeps job results.
    expect(await t.app.services.meta.isBlobReferenced(result.sha256)).toBe(true);
    // Done and reusable: a new submission joins it.
    expect(await store.submit(newJob('expire'))).toMatchObject({ job: { id: job.id }, created: false });
    expect(await store.submit(newJob('expire', { reuseDone: false }))).toMatchObject({ created: true });
  });

  it('fails a job with GRADIEND_ERR_JOB_ABANDONED once its attempts are used up', async () => {
    const { job } = await store.submit(newJob('abandon', { maxAttempts: 1 }));
    await store.claim('dead', ['store-test'], 1);
    await sleep(20);
    expect(await store.reapExpired(ABANDONED_PROBLEM)).toEqual({ requeued: 0, failed: 1 });
    expect(await store.get(job.id)).toMatchObject({
      state: 'failed',
      error: { code: 'GRADIEND_ERR_JOB_ABANDONED', status: 503 },
    });
    // A failed job does not hold its key.
    expect((await store.submit(newJob('abandon'))).created).toBe(true);
  });

  it('releases a job at shutdown without counting the attempt, and cancels queued jobs', async () => {
    const { job } = await store.submit(newJob('release'));
    await store.claim('leaving', ['store-test'], 10_000);
    expect(await store.release(job.id, 'leaving')).toBe(true);
    expect(await store.get(job.id)).toMatchObject({ state: 'queued', attempts: 0, leaseOwner: null });
    expect(await store.cancel(job.id, 'boss')).toMatchObject({ state: 'cancelled', cancelledBy: 'boss' });
    expect(await store.claim('anyone', ['store-test'], 10_000)).toBeNull();
    expect(await store.cancel(randomUUID(), 'boss')).toBeNull();
  });
  it('removes finished jobs unused before a cutoff; live jobs and a done job a submit just reused stay', async () => {
    const meta = t.app.services.meta;
    const finish = async (key: string, sha: string): Promise<string> => {
      const { job } = await store.submit(newJob(key));
      expect(await store.claim('w', ['store-test'], 10_000)).toMatchObject({ id: job.id });
      expect(
        await store.complete(job.id, 'w', { sha256: sha, contentType: 'application/json', size: 2 }),
      ).toBe(true);
      return job.id;
    };
    const stale = await finish('stale', 'b'.repeat(64));
    const reused = await finish('reused', 'c'.repeat(64));
    const failed = (await store.submit(newJob('failed'))).job;
    await store.claim('w', ['store-test'], 10_000);
    expect(await store.fail(failed.id, 'w', ABANDONED_PROBLEM)).toBe(true);
    const cancelled = (await store.submit(newJob('cancelled'))).job;
    await store.cancel(cancelled.id, 'boss');
    await sleep(5); // timestamps have millisecond resolution: the cutoff is after every change above
    const cutoff = new Date().toISOString();
    await sleep(5);
    const live = (await store.submit(newJob('live'))).job;
    // A request answered from the stored result refreshes the job, so the cleanup keeps it.
    expect(await store.submit(newJob('reused'))).toMatchObject({ job: { id: reused }, created: false });

    expect(await store.removeFinished(cutoff)).toBe(3);
    for (const id of [stale, failed.id, cancelled.id]) expect(await store.get(id)).toBeNull();
    expect(await store.get(reused)).toMatchObject({ state: 'done' });
    expect(await store.get(live.id)).toMatchObject({ state: 'queued' });
    // The removed job's result is an orphan now (the sweep may delete it); the kept one's is not.
    expect(await meta.isBlobReferenced('b'.repeat(64))).toBe(false);
    expect(await meta.isBlobReferenced('c'.repeat(64))).toBe(true);
    // No cached answer points at the removed job: the same request starts a new one.
    const again = await store.submit(newJob('stale'));
    expect(again.created).toBe(true);
    expect(again.job.id).not.toBe(stale);
    expect(await store.removeFinished(cutoff)).toBe(0);
  });
});
