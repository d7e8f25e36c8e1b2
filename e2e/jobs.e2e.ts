import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, uploadFolder } from './support/api-client.js';
import { launchBrowser } from './support/browser.js';
import { sharedDir } from './support/paths.js';
import { screenshot } from './support/screenshots.js';
import { startServer, type RunningServer } from './support/start-server.js';

const FIXTURE = path.join(sharedDir, 'fixtures', 'reference', 'two-layer-all', 'model');
const MODEL = 'jobs-demo';

interface JobJson {
  id: string;
  state: string;
  cancelled_by: string | null;
}

// A server that runs no jobs (GRADIEND_JOB_CONCURRENCY=0, as an API-only instance of a cluster):
// a submitted job stays queued, so the dashboard's progress view can be checked across a reload
// without a slow computation.
describe('jobs in the dashboard (Chromium, real server)', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ env: { GRADIEND_JOB_CONCURRENCY: '0', GRADIEND_SEED_DEMO: 'off' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    await uploadFolder(server.apiUrl, MODEL, FIXTURE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('follows a prune job from its URL, keeps following it after a reload, and cancels it from the model page', async () => {
    const res = await fetch(`${server.apiUrl}/api/models/${MODEL}/versions/1/prune?async=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topk: 3, part: 'decoder-weight' }),
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as JobJson;
    expect(res.headers.get('location')).toBe(`/api/jobs/${job.id}`);

    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1/prune?prune-job=${job.id}`);
    const progress = page.locator(`[data-job="${job.id}"]`);
    await progress.filter({ hasText: 'Waiting for a free worker' }).waitFor();
    await expect(page.getByRole('button', { name: 'Pruning…' }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'job-progress');

    await page.reload();
    await progress.filter({ hasText: 'Waiting for a free worker' }).waitFor();

    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1`);
    const row = page.locator(`.jobs-panel [data-job="${job.id}"]`);
    await row.filter({ hasText: 'prune of v1' }).waitFor();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.filter({ hasText: 'Cancelled by anonymous' }).waitFor();
    const after = await getJson<JobJson>(server.apiUrl, `/api/jobs/${job.id}`);
    expect(after).toMatchObject({ state: 'cancelled', cancelled_by: 'anonymous' });
  });
});
