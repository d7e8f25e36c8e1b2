import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '@gradiend/core/node';
import { tarGzFolder } from './support/archive.js';
import { getJson, uploadFolder } from './support/api-client.js';
import { ensureBigModel } from './support/big-model.js';
import { launchBrowser } from './support/browser.js';
import { artifactsDir, sharedDir } from './support/paths.js';
import { navigationToVisible } from './support/render-timing.js';
import { screenshot } from './support/screenshots.js';
import { startServer, type RunningServer } from './support/start-server.js';

const FIXTURE = path.join(sharedDir, 'fixtures', 'reference', 'two-layer-all', 'model');
const MODEL = 'two-layer-all';
const TOPK = 17;

interface HeatmapJson {
  values: (number | null)[][];
}

let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
let work: string;
const timings: Record<string, number> = {};

async function go(url: string): Promise<void> {
  await page.goto(`${server.baseUrl}${url}`);
}

/** The z matrix plotly is drawing in the heatmap view. */
async function plottedZ(): Promise<unknown> {
  return page.$eval('[data-testid=heatmap-plot] .js-plotly-plot', (el) => {
    const data = (el as unknown as { data?: { z?: unknown }[] }).data;
    return data?.[0]?.z ?? null;
  });
}

describe('dashboard in Chromium against the real server', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'gradiend-e2e-work-'));
    server = await startServer();
    browser = await launchBrowser();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    console.log(`render timings (ms): ${JSON.stringify(timings)}`);
  });

  it('lists the demo models', async () => {
    await go('/');
    await page
      .locator('tr[data-model="digits-3-vs-8"] [data-testid=dims]')
      .filter({ hasText: '2,410' })
      .waitFor();
    await page.locator('tr[data-model="bert-shaped-1.7m"]').waitFor();
    await screenshot(page, 'registry');
  });

  it('shows the server’s validation error for a broken archive', async () => {
    const bad = path.join(work, 'broken.tar.gz');
    await writeFile(bad, 'this is not a gzip stream');
    await go('/');
    await page.getByLabel('Choose archive or checkpoint files').setInputFiles(bad);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = page.locator('.upload [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Upload failed: .+\(HTTP 4\d\d\)/);
  });

  it('uploads a reference fixture archive and lists it', async () => {
    const archive = tarGzFolder(FIXTURE, path.join(work, `${MODEL}.tar.gz`));
    await go('/');
    await page.getByLabel('Choose archive or checkpoint files').setInputFiles(archive);
    expect(await page.getByLabel('Model name').inputValue()).toBe(MODEL);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${MODEL} v1` })
      .waitFor();
    await page
      .locator(`tr[data-model="${MODEL}"] [data-testid=dims]`)
      .filter({ hasText: '60 / 60' })
      .waitFor();
  });

  it('shows its parameters like the API does', async () => {
    await go(`/models/${MODEL}/v/1/params`);
    const table = page.locator('[data-testid=params-table][data-rows="2"]');
    await table.waitFor();
    const api = await getJson<{ items: { name: string; selected: number }[] }>(
      server.apiUrl,
      `/api/models/${MODEL}/versions/1/params`,
    );
    for (const row of api.items) {
      await expect(page.locator(`tr[data-param="${row.name}"]`).textContent()).resolves.toContain(
        String(row.selected),
      );
    }
    await go('/models/bert-shaped-1.7m/v/latest/params?group=1&sort=-importance_sum');
    await page.locator('[data-testid=params-table]').waitFor();
    await screenshot(page, 'parameters');
  });

  it('draws a heatmap whose readout matches the API, and changes with the part', async () => {
    await go(`/models/${MODEL}/v/1/heatmap?param=layer1.weight`);
    const plot = page.locator('[data-testid=heatmap-plot][data-part="decoder-weight"]');
    await plot.locator('[data-plot-ready=true]').waitFor();
    await plot.focus();
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowDown'])
      await page.keyboard.press(key);
    const readout = page.locator('[data-testid=heatmap-readout][data-row="3"][data-col="1"]');
    await readout.waitFor();
    const api = await getJson<HeatmapJson>(
      server.apiUrl,
      `/api/models/${MODEL}/versions/1/params/layer1.weight/heatmap?part=decoder-weight&agg=max`,
    );
    expect(Number(await readout.getAttribute('data-value'))).toBe(api.values[3]?.[1]);
    const before = await plottedZ();
    expect(before).toEqual(api.values);
    await screenshot(page, 'heatmap');

    await page.getByLabel('Importance part').selectOption('encoder-weight');
    await page
      .locator('[data-testid=heatmap-plot][data-part="encoder-weight"] [data-plot-ready=true]')
      .waitFor();
    const encoder = await getJson<HeatmapJson>(
      server.apiUrl,
      `/api/models/${MODEL}/versions/1/params/layer1.weight/heatmap?part=encoder-weight&agg=max`,
    );
    await expect.poll(plottedZ).toEqual(encoder.values);
    expect(encoder.values).not.toEqual(api.values);
    expect(page.url()).toContain('part=encoder-weight');

    // ']' moves to the next parameter.
    await page.locator('[data-testid=heatmap-plot]').focus();
    await page.keyboard.press(']');
    await page.locator('[data-testid=heatmap-plot][data-param="layer2.weight"]').waitFor();
  });

  it('previews and applies a top-k prune that matches the core', async () => {
    const { model } = await loadCheckpoint(FIXTURE);
    const expected = model.prune({ topk: TOPK, part: 'decoder-weight' }).model;
    await go(`/models/${MODEL}/v/1/prune`);
    await page.getByRole('textbox', { name: 'Top-k' }).fill(String(TOPK));
    await page.locator(`[data-testid=prune-preview][data-input-dim="${expected.inputDim}"]`).waitFor();
    await page.locator('[data-plot-ready=true]').first().waitFor();
    await screenshot(page, 'prune');

    // The threshold slider (synced with the draggable line) switches to a threshold prune.
    await page.getByRole('slider', { name: 'Threshold slider' }).focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForURL(/mode=threshold/);
    const threshold = Number(await page.getByRole('spinbutton', { name: 'Threshold' }).inputValue());
    const byThreshold = model.prune({ threshold, part: 'decoder-weight' }).model.inputDim;
    await page.locator(`[data-testid=prune-preview][data-input-dim="${byThreshold}"]`).waitFor();
    expect(page.url()).toContain('mode=threshold');
    await page.getByRole('radio', { name: 'top-k' }).click();
    const preview = page.locator(`[data-testid=prune-preview][data-input-dim="${expected.inputDim}"]`);
    await preview.waitFor();
    const storedAfter = Number(await preview.getAttribute('data-stored-after'));
    await expect.poll(() => page.getByTestId('preview-stored-bytes').textContent()).toMatch(/→/);
    await page.getByRole('button', { name: /Apply/ }).click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/v/2$`));
    await page.locator('.lineage ul [data-version="2"]').filter({ hasText: 'prune' }).waitFor();
    const v2 = await getJson<{ input_dim: number; total_bytes: number; parent: { version: number } }>(
      server.apiUrl,
      `/api/models/${MODEL}/versions/2`,
    );
    expect(v2.input_dim).toBe(expected.inputDim);
    expect(v2.total_bytes).toBe(storedAfter);
    expect(v2.parent.version).toBe(1);
    await screenshot(page, 'model');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Archive (.tar.gz)' }).click(),
    ]);
    const saved = path.join(work, 'v2.tar.gz');
    await download.saveAs(saved);
    const out = path.join(work, 'v2');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', saved, '-C', out]);
    const folder = execFileSync('find', [out, '-name', 'config.json']).toString().trim().split('\n')[0] ?? '';
    const loaded = await loadCheckpoint(path.dirname(folder));
    expect(loaded.model.inputDim).toBe(expected.inputDim);
    expect(loaded.model.paramMapHash()).toBe(expected.paramMapHash());
  });

  it('lists the top-k with downloads', async () => {
    await go(`/models/${MODEL}/v/1/topk?k=10`);
    await page.getByRole('table', { name: 'Top-k input dims' }).locator('tbody tr').nth(9).waitFor();
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const res = await fetch(`${server.baseUrl}${csv ?? ''}`);
    expect(res.ok).toBe(true);
    expect((await res.text()).trim().split('\n')).toHaveLength(11);
    await screenshot(page, 'topk');
  });

  it('compares two versions', async () => {
    await go(`/compare?a=${MODEL}@1&b=${MODEL}@2&k=${TOPK}`);
    const result = page.locator('[data-testid=compare-result]');
    await result.waitFor();
    const api = await getJson<{ iou: number }>(
      server.apiUrl,
      `/api/compare?a=${MODEL}@1&b=${MODEL}@2&k=${TOPK}&part=decoder-weight`,
    );
    expect(Number(await result.getAttribute('data-iou'))).toBe(api.iou);
    await screenshot(page, 'compare');
  });

  it('encodes digits gradients: the sign separates 3s from 8s', async () => {
    // The server built its own digits demo into its data dir on first start; use its held-out gradients.
    const demoRoot = path.join(server.dataDir, 'demo');
    const digitsDemo = (await readdir(demoRoot)).find((d) => d.startsWith('digits-'));
    const gradients = path.join(demoRoot, digitsDemo ?? 'missing', 'gradients');
    const index = JSON.parse(await readFile(path.join(gradients, 'index.json'), 'utf8')) as {
      samples: { file: string; digit: number; encoded_after_input_scale: number }[];
    };
    await go('/models/digits-3-vs-8/v/latest/encode');
    // A clear example of each class: the first 3 the GRADIEND encodes positive, the first 8 negative.
    const firstOf = (digit: number) =>
      index.samples.find(
        (s) => s.digit === digit && Math.sign(s.encoded_after_input_scale) === (digit === 3 ? 1 : -1),
      );
    for (const sample of [firstOf(3), firstOf(8)]) {
      if (!sample) throw new Error('the demo has no held-out 3 or 8');
      await page.getByLabel('Gradient file').setInputFiles(path.join(gradients, sample.file));
      await page.getByRole('button', { name: 'Encode' }).click();
      const expectedSign = sample.digit === 3 ? '+' : '-';
      const latent = page.locator(`[data-testid=latent-value][data-sign="${expectedSign}"]`);
      await latent.waitFor();
      expect(Number(await latent.getAttribute('data-value'))).toBeCloseTo(
        sample.encoded_after_input_scale,
        4,
      );
      await expect(latent.textContent()).resolves.toContain(`class ${sample.digit}`);
    }
    await screenshot(page, 'encode');
  });

  it.skipIf(process.env.GRADIEND_E2E_BIG === '0')(
    'shows the unpruned BERT-shaped parameters, a 30522×768 heatmap and the prune histogram; records navigation-to-visible times',
    async () => {
      const dir = await ensureBigModel();
      await uploadFolder(server.apiUrl, 'bert-base-unpruned', dir);
      const v = `${server.baseUrl}/models/bert-base-unpruned/v/1`;
      const views = [
        ['params', `${v}/params`, 'params-rendered'],
        ['heatmap', `${v}/heatmap?param=bert.embeddings.word_embeddings.weight`, 'heatmap-rendered'],
        ['prune', `${v}/prune`, 'prune-histogram-rendered'],
      ] as const;
      // Cold: the first visit after the upload (its background analysis included); warm: the next.
      for (const round of ['cold', 'warm'] as const)
        for (const [view, url, mark] of views)
          timings[`${view}_${round}`] = await navigationToVisible(page, url, mark);
      await go('/models/bert-base-unpruned/v/1/params');
      await page.locator('[data-testid=params-table][data-rows="197"]').waitFor();
      await mkdir(artifactsDir, { recursive: true });
      await writeFile(
        path.join(artifactsDir, 'render-timings.json'),
        `${JSON.stringify(timings, null, 2)}\n`,
      );
      // Times are reported (closing notes, the artifact), not asserted: a loaded machine is no regression.
      for (const [view] of views) expect(timings[`${view}_warm`]).toBeGreaterThan(0);
    },
  );
});
