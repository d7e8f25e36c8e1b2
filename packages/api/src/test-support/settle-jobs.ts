import type { TestApp } from './test-app.js';

/**
 * Waits until no job is queued or running and every analysis blob write has finished: an upload
 * starts its analysis in the background, whose blobs would otherwise appear in the middle of a test
 * that compares what is on disk before and after.
 */
export async function settleJobs(t: TestApp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A background submission may not have written its row yet: the jobs list would look idle.
  await t.app.services.jobs.submissionsSettled();
  for (;;) {
    const busy = await Promise.all(
      (['queued', 'running'] as const).map(async (state) => {
        const res = await t.app.inject(`/api/jobs?state=${state}`);
        return res.json<{ items: unknown[] }>().items.length;
      }),
    );
    if (busy.every((n) => n === 0)) break;
    if (Date.now() > deadline) throw new Error(`jobs still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await t.app.services.analysis.idle();
}

/**
 * `t.leftovers()` once two listings 50 ms apart agree: a request that has answered may still be
 * removing its staging folder, and a listing taken meanwhile is not the registry at rest.
 */
export async function restingLeftovers(t: TestApp, timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await t.leftovers();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await t.leftovers();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    if (Date.now() > deadline) throw new Error(`files still changing after ${timeoutMs} ms`);
    last = now;
  }
}
