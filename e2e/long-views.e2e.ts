import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, uploadFolder } from './support/api-client.js';
import { launchBrowser } from './support/browser.js';
import { sharedDir } from './support/paths.js';
import { startServer, type RunningServer } from './support/start-server.js';

const FIXTURES = path.join(sharedDir, 'fixtures', 'reference', 'two-layer-all');
const DIGITS = path.join(sharedDir, 'demo', 'digits');
const MODEL = 'long-views';

interface JobJson {
  id: string;
  kind: string;
  state: string;
  version: number | null;
  cancelled_by: string | null;
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function put(url: string, file: string, method = 'POST'): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/octet-stream' },
    body: await readFile(file),
  });
}

// A server that runs no jobs (GRADIEND_JOB_CONCURRENCY=0, as an API-only instance of a cluster):
// every job stays queued, so each long view's progress is checked across a reload without racing
// a computation. The uploads' background analyses are jobs too, queued the same way.
describe('long views follow their job across a reload (Chromium, real server)', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ env: { GRADIEND_JOB_CONCURRENCY: '0', GRADIEND_SEED_DEMO: 'off' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    await uploadFolder(server.apiUrl, MODEL, path.join(FIXTURES, 'model'));
    await uploadFolder(server.apiUrl, MODEL, path.join(FIXTURES, 'prune0'));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Waits for the progress view of job `id` saying `text`. */
  async function progressOf(id: string, text: string): Promise<void> {
    await page.locator(`[data-job="${id}"]`).filter({ hasText: text }).waitFor();
  }

  it("the first analysis of an upload: the version page shows its job, a reload from the job's URL resumes it, cancel", async () => {
    const { items } = await getJson<{ items: JobJson[] }>(
      server.apiUrl,
      `/api/jobs?model=${MODEL}&kind=analysis-summary`,
    );
    const analysis = items.find((j) => j.version === 1);
    expect(analysis?.state).toBe('queued');
    const id = analysis?.id ?? '';

    // Opened without a job in the URL: the page finds the version's analysis job and keeps it there.
    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1`);
    const banner = page.locator(`.analysis-job [data-job="${id}"]`);
    await banner.filter({ hasText: 'First analysis of v1' }).waitFor();
    await banner.filter({ hasText: 'Waiting for a free worker' }).waitFor();
    await page.waitForURL(new RegExp(`analysis-job=${id}`));

    await page.reload();
    await banner.filter({ hasText: 'First analysis of v1' }).waitFor();
    // Another view of the version, opened from the job's URL: the same job, followed there too.
    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1/params?analysis-job=${id}`);
    await banner.filter({ hasText: 'Waiting for a free worker' }).waitFor();

    await banner.getByRole('button', { name: 'Cancel' }).click();
    await banner.filter({ hasText: 'Cancelled by anonymous' }).waitFor();
    const after = await getJson<JobJson>(server.apiUrl, `/api/jobs/${id}`);
    expect(after).toMatchObject({ state: 'cancelled', cancelled_by: 'anonymous' });
  });

  it('a similarity matrix: followed from ?matrix-job= and again after a reload', async () => {
    const res = await post(`${server.apiUrl}/api/compare/matrix`, { models: [`${MODEL}@1`, `${MODEL}@2`] });
    expect(res.status, await res.clone().text()).toBe(202);
    const job = (await res.json()) as JobJson;
    await page.goto(`${server.baseUrl}/compare?view=matrix&matrix-job=${job.id}`);
    await progressOf(job.id, 'Waiting for a free worker');
    await page.reload();
    await progressOf(job.id, 'Similarity matrix');
    await progressOf(job.id, 'Waiting for a free worker');
    expect(page.url()).toContain(`matrix-job=${job.id}`);
  });

  it('a rewrite sweep: followed from ?rewrite-job= and again after a reload', async () => {
    await uploadFolder(server.apiUrl, 'digits', path.join(DIGITS, 'gradiend-digits-3-vs-8'));
    const base = await put(
      `${server.apiUrl}/api/base-models?name=digits-mlp-64-32-10`,
      path.join(DIGITS, 'base-mlp.safetensors'),
    );
    expect(base.status, await base.clone().text()).toBe(201);
    const { id: baseId } = (await base.json()) as { id: string };
    for (const [part, file] of [
      ['onnx', 'base-mlp.onnx'],
      ['test-set', 'test-digits.safetensors'],
    ] as const) {
      const r = await put(
        `${server.apiUrl}/api/base-models/${baseId}/${part}`,
        path.join(DIGITS, file),
        'PUT',
      );
      expect(r.status, await r.clone().text()).toBe(200);
    }
    const res = await post(`${server.apiUrl}/api/models/digits/versions/1/rewrite-effect`, {
      target: 3,
      other: 8,
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const job = (await res.json()) as JobJson;
    await page.goto(`${server.baseUrl}/models/digits/v/1/rewrite?rewrite-job=${job.id}`);
    await progressOf(job.id, 'Rewrite sweep');
    await page.reload();
    await progressOf(job.id, 'Waiting for a free worker');
    expect(page.url()).toContain(`rewrite-job=${job.id}`);
  });

  it('a pruning curve and a scorecard: a reload asks again and joins the same queued job', async () => {
    await uploadFolder(server.apiUrl, 'curves', path.join(DIGITS, 'gradiend-digits-3-vs-8'));
    const index = JSON.parse(await readFile(path.join(DIGITS, 'gradients', 'index.json'), 'utf8')) as {
      samples: { file: string; digit: number }[];
    };
    const form = new FormData();
    form.set('name', 'held-out');
    form.set('version', '1');
    const manifest = index.samples.map((s) => ({ file: s.file, label: s.digit === 3 ? 1 : -1 }));
    form.set('manifest', new Blob([JSON.stringify({ rows: manifest })]), 'manifest.json');
    for (const s of index.samples)
      form.append('gradients', new Blob([await readFile(path.join(DIGITS, 'gradients', s.file))]), s.file);
    const set = await fetch(`${server.apiUrl}/api/models/curves/labeled-sets`, {
      method: 'POST',
      body: form,
    });
    expect(set.status, await set.clone().text()).toBe(201);

    for (const [view, kind, label] of [
      ['prune', 'pruning-curve', 'Pruning curve on held-out'],
      ['evaluate', 'labeled-set-evaluation', 'Evaluating on held-out'],
    ] as const) {
      await page.goto(`${server.baseUrl}/models/curves/v/1/${view}?set=held-out`);
      await page.locator('[data-job]').filter({ hasText: label }).waitFor();
      const { items } = await getJson<{ items: JobJson[] }>(
        server.apiUrl,
        `/api/jobs?model=curves&kind=${kind}`,
      );
      expect(items).toHaveLength(1);
      const id = items[0]?.id ?? '';
      await progressOf(id, 'Waiting for a free worker');
      // The request is keyed by content: after a reload the same GET joins the same job.
      await page.reload();
      await progressOf(id, label);
      const again = await getJson<{ items: JobJson[] }>(server.apiUrl, `/api/jobs?model=curves&kind=${kind}`);
      expect(again.items.map((j) => j.id)).toEqual([id]);
    }
  });
});
