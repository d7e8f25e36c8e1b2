import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFolder } from './support/api-client.js';
import { launchBrowser } from './support/browser.js';
import { sharedDir } from './support/paths.js';
import { screenshot } from './support/screenshots.js';
import { startServer, type RunningServer } from './support/start-server.js';

const DIGITS = path.join(sharedDir, 'demo', 'digits');
const MODEL = 'digits';
/** What the reference GRADIEND's config.json names as its base model. */
const BASE_NAME = 'digits-mlp-64-32-10';

interface ReferenceEntry {
  mean_p3_on_3s: number;
  mean_p3_on_8s: number;
  accuracy_all: number;
}

interface Effect {
  base: { accuracy: number; mean_probability: Record<string, number> };
  candidates: {
    feature_factor: number;
    learning_rate: number;
    accuracy: number;
    mean_probability: Record<string, number>;
  }[];
  selection: Record<
    'strengthen' | 'weaken',
    { feature_factor: number; learning_rate: number | null; reason: string }
  >;
}

/** A grid row as the dashboard shows it: its data attributes and the text of its cells. */
interface ShownRow {
  point: string;
  pTarget: number;
  pOther: number;
  accuracy: number;
  guard: string;
  chosen: string;
  cells: string[];
}

function rel(a: number, e: number): number {
  return Math.abs(a - e) / Math.max(Math.abs(e), 1e-12);
}

/** "feature_factor=-1.0,learning_rate=0.002" → the dashboard's point key "-1@0.002". */
function pointOf(key: string): string {
  const m = /^feature_factor=(-?[0-9.]+),learning_rate=([0-9.e-]+)$/.exec(key);
  if (!m) throw new Error(`unexpected reference key ${key}`);
  return `${Number(m[1])}@${Number(m[2])}`;
}

async function put(url: string, file: string, method = 'POST'): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/octet-stream' },
    body: await readFile(file),
  });
}

async function shownRows(page: Page): Promise<ShownRow[]> {
  return page.$$eval('[data-testid=rewrite-grid] tbody tr', (rows) =>
    rows.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      return {
        point: d.point ?? '',
        pTarget: Number(d.pTarget),
        pOther: Number(d.pOther),
        accuracy: Number(d.accuracy),
        guard: d.guard ?? '',
        chosen: d.chosen ?? '',
        cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
      };
    }),
  );
}

describe('rewrite tab in Chromium: the digits sweep against the reference', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'gradiend-e2e-rewrite-'));
    server = await startServer({ env: { GRADIEND_SEED_DEMO: 'off' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    await uploadFolder(server.apiUrl, MODEL, path.join(DIGITS, 'gradiend-digits-3-vs-8'));
    const res = await put(
      `${server.apiUrl}/api/base-models?name=${BASE_NAME}`,
      path.join(DIGITS, 'base-mlp.safetensors'),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    for (const [part, file] of [
      ['onnx', 'base-mlp.onnx'],
      ['test-set', 'test-digits.safetensors'],
    ] as const) {
      const r = await put(`${server.apiUrl}/api/base-models/${id}/${part}`, path.join(DIGITS, file), 'PUT');
      expect(r.status, await r.clone().text()).toBe(200);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs the sweep as a job and shows rewrite-reference.json’s values (rel. 1e-4, accuracy exact), as the API answers them', async () => {
    const reference = JSON.parse(await readFile(path.join(DIGITS, 'rewrite-reference.json'), 'utf8')) as {
      results: Record<string, ReferenceEntry>;
    };
    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1/rewrite`);
    await page.getByRole('button', { name: 'Run the sweep' }).click();
    // A new sweep answers 202: the page follows the job it names (kept in the URL).
    await page.locator('[data-job]').waitFor();
    await page.waitForURL(/rewrite-job=/);
    await page.locator('[data-testid=rewrite-result]').waitFor();
    await page.locator('[data-testid=rewrite-result] .js-plotly-plot[data-plot-ready=true]').waitFor();
    await screenshot(page, 'rewrite-tab');

    const rows = await shownRows(page);
    const byPoint = new Map(rows.map((r) => [r.point, r]));
    expect(rows).toHaveLength(33); // the base and 16 learning rates × 2 feature factors
    for (const [key, want] of Object.entries(reference.results)) {
      const row = byPoint.get(key === 'base' ? 'base' : pointOf(key));
      expect(row, key).toBeDefined();
      if (!row) continue;
      // The reference stores float32: the accuracy, a count over the test set, must round to it exactly.
      expect(Math.fround(row.accuracy), key).toBe(want.accuracy_all);
      expect(rel(row.pTarget, want.mean_p3_on_3s), key).toBeLessThan(1e-4);
      expect(rel(row.pOther, want.mean_p3_on_8s), key).toBeLessThan(1e-4);
      // The displayed text, not only the attributes: columns P(3) on 3s, P(3) on 8s, accuracy.
      const [p3, p8, acc] = row.cells.slice(-5, -2).map(Number);
      expect(rel(p3 as number, want.mean_p3_on_3s), key).toBeLessThan(1e-4);
      expect(rel(p8 as number, want.mean_p3_on_8s), key).toBeLessThan(1e-4);
      expect(rel(acc as number, want.accuracy_all), key).toBeLessThan(1e-5);
    }

    // The plot draws the same numbers.
    const plotted = await page.$eval('[data-testid=rewrite-result] .js-plotly-plot', (el) =>
      ((el as unknown as { data: { name: string; x: number[]; y: number[] }[] }).data ?? []).map((t) => ({
        name: t.name,
        x: [...t.x],
        y: [...t.y],
      })),
    );
    for (const [key, want] of Object.entries(reference.results)) {
      if (key === 'base') continue;
      const [ff, lr] = pointOf(key).split('@').map(Number) as [number, number];
      const sign = ff > 0 ? `+${ff}` : String(ff);
      const on8 = plotted.find((t) => t.name === `P(3) on 8s, ff ${sign}`);
      const y = on8?.y[on8.x.indexOf(lr)];
      expect(rel(y as number, want.mean_p3_on_8s), key).toBeLessThan(1e-4);
    }

    // The API, asked the same question, answers the same sweep (the stored result of that job).
    const api = await fetch(`${server.apiUrl}/api/models/${MODEL}/versions/1/rewrite-effect?wait=60`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 3, other: 8 }),
    });
    expect(api.status).toBe(200);
    const effect = (await api.json()) as Effect;
    expect(byPoint.get('base')?.accuracy).toBe(effect.base.accuracy);
    for (const c of effect.candidates) {
      const row = byPoint.get(`${c.feature_factor}@${c.learning_rate}`);
      expect(row).toMatchObject({
        pTarget: c.mean_probability['3'],
        pOther: c.mean_probability['8'],
        accuracy: c.accuracy,
        guard: c.accuracy >= 0.99 * effect.base.accuracy ? 'pass' : 'fail',
      });
    }
    for (const direction of ['strengthen', 'weaken'] as const) {
      const s = effect.selection[direction];
      if (s.learning_rate !== null) {
        expect(byPoint.get(`${s.feature_factor}@${s.learning_rate}`)?.chosen).toContain(direction);
      }
      await expect(page.getByTestId(`reason-${direction}`).textContent()).resolves.toContain(s.reason);
    }
    // The reference's policy strengthens 3 with feature factor −1 on this GRADIEND.
    expect(effect.selection.strengthen.feature_factor).toBe(-1);
  });

  it('downloads the sparse patch of the chosen point, the same bytes its curl line fetches', async () => {
    const downloads = page.getByTestId('rewrite-downloads');
    const point = await downloads.getAttribute('data-point');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the sparse patch', exact: true }).click(),
    ]);
    const saved = path.join(work, 'ui.patch.safetensors');
    await download.saveAs(saved);
    const curl =
      (await downloads
        .locator('.copy-command')
        .filter({ hasText: 'Download the sparse patch' })
        .locator('code')
        .textContent()) ?? '';
    expect(curl).toContain(`"feature_factor":[${point?.split('@')[0]}]`);
    // Run the shown command as a user would (its -o names a file in the working directory).
    execFileSync('sh', ['-c', curl], { cwd: work });
    const fromCurl = path.join(work, /-o (\S+)/.exec(curl)?.[1]?.replace(/^'|'$/g, '') ?? '');
    const [a, b] = await Promise.all([readFile(saved), readFile(fromCurl)]);
    expect(a.length).toBeGreaterThan(0);
    expect(a.equals(b)).toBe(true);

    await page.getByRole('button', { name: 'Store the rewritten model', exact: true }).click();
    const link = page.getByTestId('rewritten-model').getByRole('link');
    const href = (await link.getAttribute('href')) ?? '';
    const weights = await fetch(`${server.apiUrl}${href}`);
    expect(weights.status).toBe(200);
    const base = await readFile(path.join(DIGITS, 'base-mlp.safetensors'));
    const rewritten = Buffer.from(await weights.arrayBuffer());
    // Same layout (header and size), different weights.
    expect(rewritten.length).toBe(base.length);
    expect(rewritten.equals(base)).toBe(false);
  });
});
