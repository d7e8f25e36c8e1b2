// The dashboard as a researcher uses it (issue 10): honest previews, plain errors, explanations,
// registry management. Each block checks one numbered item of the issue in Chromium.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from './support/api-client.js';
import { launchBrowser } from './support/browser.js';
import { sharedDir } from './support/paths.js';
import { renderTime } from './support/render-timing.js';
import { startServer, type RunningServer } from './support/start-server.js';

const DEMO = 'digits-3-vs-8';
const BERT = 'bert-shaped-1.7m';
const FIXTURE = path.join(sharedDir, 'fixtures', 'reference', 'two-layer-all', 'model');
const CARD = '# Two-layer GRADIEND\n\nTrained on **toy** data.\n\n<script>window.pwned = 1</script>';

interface VersionJson {
  version: number;
  param_map: { name: string; shape: number[] }[];
  training: Record<string, unknown> | null;
}

/** The layout plotly is drawing in the heatmap view. */
async function plottedLayout(): Promise<{ x: string; y: string | null; yVisible: unknown; zmax: unknown }> {
  return page.$eval('[data-testid=heatmap-plot] .js-plotly-plot', (el) => {
    const plot = el as unknown as {
      layout: {
        xaxis: { title?: { text?: string } };
        yaxis: { title?: { text?: string }; visible?: boolean };
      };
      data: { zmax?: number }[];
    };
    return {
      x: plot.layout.xaxis.title?.text ?? '',
      y: plot.layout.yaxis.title?.text ?? null,
      yVisible: plot.layout.yaxis.visible,
      zmax: plot.data[0]?.zmax,
    };
  });
}

let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let work: string;
const notFound: string[] = [];

async function go(url: string): Promise<void> {
  await page.goto(`${server.baseUrl}${url}`);
}

/** Commits of a view since the page loaded (the view leaves a performance mark per commit). */
function commits(view: string): Promise<number> {
  return page.evaluate((name) => performance.getEntriesByName(`gradiend:commit:${name}`).length, view);
}

describe('the dashboard as a researcher uses it', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'gradiend-e2e-researcher-'));
    server = await startServer();
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    page.on('response', (res) => {
      if (res.status() === 404) notFound.push(new URL(res.url()).pathname);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('1: marks the prune preview current right after its answer, stays idle, dims it for a refused k', async () => {
    await go(`/models/${DEMO}/v/latest/prune?k=100`);
    const preview = page.locator('[data-testid=prune-preview][data-current=true]');
    await preview.waitFor();
    await page.locator('[data-plot-ready=true]').first().waitFor();
    expect(await preview.getAttribute('aria-busy')).toBe('false');

    // A researcher changes k: the new answer is marked current right after it arrives.
    await page.getByRole('textbox', { name: 'Top-k' }).fill('50');
    await page.getByTestId('preview-for').filter({ hasText: 'top-k 50,' }).waitFor();
    await preview.waitFor();
    const currentAfter = await renderTime(page, '/prune/preview', 'prune-preview-current');
    console.log(`preview marked current ${currentAfter.toFixed(1)} ms after its answer`);
    expect(currentAfter).toBeLessThan(300);

    const before = await commits('prune');
    await page.waitForTimeout(3000);
    expect((await commits('prune')) - before).toBe(0);

    await page.getByRole('textbox', { name: 'Top-k' }).fill('150%');
    await page.locator('[data-testid=prune-preview][data-current=false].stale').waitFor();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('(0%, 100%]');
    expect(await page.getByRole('button', { name: /Apply/ }).isDisabled()).toBe(true);

    // "100%" is what the API takes for "everything"; the form takes it too.
    await page.getByRole('textbox', { name: 'Top-k' }).fill('100%');
    await page.locator('[data-testid=prune-preview][data-current=true]').waitFor();
    await expect(page.getByTestId('preview-for').textContent()).resolves.toContain('top-k 100%');
  });

  it('2: says in plain words what is wrong before sending anything: PNG gradients, no config.json, threshold above the max', async () => {
    const png = path.join(work, 'digit.png');
    await writeFile(
      png,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
    );
    await go(`/models/${DEMO}/v/latest/encode`);
    await page.getByLabel('Gradient file').setInputFiles(png);
    const alert = page.getByRole('alert').filter({ hasText: 'is not a safetensors file' });
    await alert.waitFor();
    expect(await alert.textContent()).not.toMatch(/\d{10,}/);
    expect(await page.getByRole('button', { name: 'Encode' }).isDisabled()).toBe(true);

    await go('/');
    await page
      .getByLabel('Choose archive or checkpoint files')
      .setInputFiles(path.join(FIXTURE, 'model.safetensors'));
    await page.getByRole('alert').filter({ hasText: 'no config.json' }).waitFor();
    await page.getByLabel('Model name').fill('no-config');
    expect(await page.getByRole('button', { name: 'Upload', exact: true }).isDisabled()).toBe(true);

    await go(`/models/${DEMO}/v/latest/prune?mode=threshold&t=1000000`);
    await page.getByRole('alert').filter({ hasText: 'the largest is' }).waitFor();
    await page.getByTestId('importance-max').waitFor();
    expect(await page.getByRole('button', { name: /Apply/ }).isDisabled()).toBe(true);
  });

  it('3: explains importance with formulas, labels sizes in IEC units (KiB, MiB) and requests no missing favicon', async () => {
    await go(`/models/${DEMO}/v/latest/prune?k=100`);
    const explain = page.getByTestId('explain');
    await explain.locator('summary').click();
    await expect(explain.textContent()).resolves.toContain('Σ_j |W_dec[i, j]|');
    await expect(explain.textContent()).resolves.toContain('above the plotted range');
    await page.locator('[data-testid=prune-preview][data-current=true]').waitFor();
    const stored = (await page.getByTestId('preview-stored-bytes').textContent()) ?? '';
    expect(stored).toMatch(/KiB|MiB/);
    expect(stored).not.toMatch(/\d (KB|MB|GB)\b/);
    for (const view of ['params', 'heatmap', 'topk', 'encode', '']) {
      await go(`/models/${DEMO}/v/latest${view ? `/${view}` : ''}`);
      await page.getByTestId('explain').first().waitFor();
    }
    expect(notFound.filter((p) => p.includes('favicon'))).toEqual([]);
  });

  it('4: groups the parameters table by layer, sorts names naturally and shows the mean importance', async () => {
    const v = await getJson<VersionJson>(server.apiUrl, `/api/models/${BERT}/versions/1`);
    await go(`/models/${BERT}/v/1/params?group=1&sort=name`);
    await page.locator('[data-testid=params-table]').waitFor();
    await page.getByRole('columnheader', { name: /Importance mean/ }).waitFor();
    const layers = await page.$$eval('[data-testid=params-table] tbody[data-layer]', (els) =>
      els.map((e) => e.getAttribute('data-layer') ?? ''),
    );
    expect(layers.length).toBeGreaterThan(1);
    const collator = new Intl.Collator('en', { numeric: true });
    expect(layers).toEqual([...layers].sort(collator.compare));
    const names = await page.$$eval('[data-testid=params-table] tr[data-param]', (els) =>
      els.map((e) => e.getAttribute('data-param') ?? ''),
    );
    expect(names).toHaveLength(v.param_map.length);
  });

  it("5: heatmap axes in the parameter's own indices, 1-D biases as a strip, coverage scale, search, unknown param", async () => {
    const v = await getJson<VersionJson>(server.apiUrl, `/api/models/${BERT}/versions/1`);
    const big = [...v.param_map]
      .filter((p) => p.shape.length === 2)
      .sort((a, b) => b.shape[0]! - a.shape[0]!)[0]!;
    const bias = v.param_map.find((p) => p.shape.length === 1)!;
    await go(`/models/${BERT}/v/1/heatmap?param=${encodeURIComponent(big.name)}`);
    await page.locator('[data-testid=heatmap-plot] [data-plot-ready=true]').waitFor();
    const layout = await plottedLayout();
    expect(layout.y).toMatch(/^row/);
    expect(layout.x).toMatch(/^column/);
    expect(`${layout.x} ${layout.y}`).not.toMatch(/cell \(×/);

    await go(`/models/${BERT}/v/1/heatmap?param=${encodeURIComponent(bias.name)}`);
    await page
      .locator(`[data-testid=heatmap-plot][data-param="${bias.name}"] [data-plot-ready=true]`)
      .waitFor();
    const strip = await plottedLayout();
    expect(strip.yVisible).toBe(false);
    expect(strip.x).toMatch(/^index/);

    // The view lives in the URL: the controlled radio turns checked once the navigation has rendered,
    // which on a busy machine is after Playwright's check() has already looked.
    const coverage = page.getByRole('radio', { name: 'coverage' });
    await coverage.click();
    await expect.poll(() => coverage.isChecked()).toBe(true);
    await expect.poll(async () => (await plottedLayout()).zmax).toBeGreaterThan(0);

    await page.getByRole('searchbox', { name: 'Find a parameter' }).fill(bias.name);
    const options = await page
      .getByRole('listbox', { name: 'Parameter' })
      .locator('option:not([hidden])')
      .allTextContents();
    expect(options).toContain(bias.name);
    expect(options.length).toBeLessThan(v.param_map.length);

    await go(`/models/${BERT}/v/1/heatmap?param=no.such.weight`);
    await page.getByRole('alert').filter({ hasText: 'no parameter named “no.such.weight”' }).waitFor();
  });

  it('6: top-k takes "100%" and withdraws downloads for a refused k; compare with parent uses one count', async () => {
    await go(`/models/${DEMO}/v/latest/topk?k=100%25`);
    const csv = page.getByRole('link', { name: 'Download CSV' });
    await csv.waitFor();
    expect(await csv.getAttribute('href')).toContain('k=100%25');
    await page.getByRole('textbox', { name: 'k' }).fill('150%');
    await expect.poll(() => csv.count()).toBe(0);

    const pruned = await fetch(`${server.apiUrl}/api/models/${DEMO}/versions/1/prune`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topk: '10%' }),
    });
    expect(pruned.status).toBe(201);
    const child = (await pruned.json()) as { version: number };
    await go(`/models/${DEMO}/v/${child.version}`);
    await page.getByRole('link', { name: 'compare with parent' }).first().click();
    const result = page.locator('[data-testid=compare-result]');
    await result.waitFor();
    expect(Number(await page.getByRole('textbox', { name: 'k' }).inputValue())).toBeGreaterThan(0);
    // One count for both: the child's own top dims are its parent's top dims, so the overlap is total.
    expect(Number(await result.getAttribute('data-iou'))).toBe(1);
    await page.getByTestId('param-iou').first().waitFor();
  });

  it('7: duplicate upload points to the existing version; delete with the derived list and cascade; audit; model card', async () => {
    const folder = path.join(work, 'card-model');
    await mkdir(folder, { recursive: true });
    for (const f of ['config.json', 'model.safetensors'])
      await copyFile(path.join(FIXTURE, f), path.join(folder, f));
    await writeFile(path.join(folder, 'README.md'), CARD);
    const files = ['config.json', 'model.safetensors', 'README.md'].map((f) => path.join(folder, f));
    for (let i = 0; i < 2; i++) {
      await go('/');
      await page.getByLabel('Choose archive or checkpoint files').setInputFiles(files);
      await page.getByLabel('Model name').fill('carded');
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      if (i === 0) await page.getByRole('status').filter({ hasText: 'carded v1' }).waitFor();
    }
    await page.getByTestId('upload-duplicate').filter({ hasText: 'carded v1' }).waitFor();
    expect(
      (await getJson<{ items: unknown[] }>(server.apiUrl, '/api/models/carded/versions')).items,
    ).toHaveLength(1);
    // Asked for explicitly, the same files become a new version.
    await page.getByRole('button', { name: 'Upload as a new version anyway' }).click();
    await page.getByRole('status').filter({ hasText: 'carded v2' }).waitFor();

    await go('/models/carded/v/1');
    const card = page.getByTestId('model-card');
    await card.locator('h1').filter({ hasText: 'Two-layer GRADIEND' }).waitFor();
    expect(await card.innerHTML()).not.toContain('<script');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    const prune = await fetch(`${server.apiUrl}/api/models/carded/versions/1/prune`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topk: 10 }),
    });
    expect(prune.status).toBe(201);
    await go('/models/carded/v/1');
    await page.getByRole('button', { name: 'Delete v1…' }).click();
    await page.getByRole('button', { name: 'Delete v1', exact: true }).click();
    await page.getByTestId('derived-versions').filter({ hasText: 'carded@3' }).waitFor();
    await page.getByRole('button', { name: 'Delete v1 and 1 derived version' }).click();
    await page.waitForURL(/\/models\/carded\/v\/latest$/);
    // The overview's activity shows both deletions (v1 and its derived v3).
    for (const version of [1, 3]) {
      await page
        .locator(`[data-testid=audit] tr[data-action="version.delete"][data-version="${version}"]`)
        .waitFor();
    }
    expect(
      (
        await getJson<{ items: { version: number }[] }>(server.apiUrl, '/api/models/carded/versions')
      ).items.map((v) => v.version),
    ).toEqual([2]);

    // The whole model goes after one confirmation; the registry no longer has it.
    await page.getByRole('button', { name: 'Delete model carded…' }).click();
    await page.getByRole('button', { name: 'Delete model carded', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    expect((await fetch(`${server.apiUrl}/api/models/carded`)).status).toBe(404);
    await page.locator('tr[data-model="digits-3-vs-8"]').waitFor();
    expect(await page.locator('tr[data-model="carded"]').count()).toBe(0);
  });
});
