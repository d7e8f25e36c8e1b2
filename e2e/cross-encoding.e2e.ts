// Compare › Cross-encoding in Chromium: two GRADIENDs of one base space (the digits demo uploaded as
// `digits` and as `twin`), each with a labeled set of the demo's gradients (`twin`'s with the classes
// swapped); the 2×2 matrix drawn, and a hovered cell's value is the API's.
import { openAsBlob } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFolder } from './support/api-client.js';
import { launchBrowser } from './support/browser.js';
import { readMatrixCell } from './support/plotly-hover.js';
import { sharedDir } from './support/paths.js';
import { screenshot } from './support/screenshots.js';
import { startServer, type RunningServer } from './support/start-server.js';

const DIGITS = path.join(sharedDir, 'demo', 'digits');
const CHECKPOINT = path.join(DIGITS, 'gradiend-digits-3-vs-8');
const GRADIENTS = path.join(DIGITS, 'gradients');
const ROWS = ['digits@1', 'twin@1'];
const COLUMNS = [
  { model: 'digits', set: 'held-out' },
  { model: 'twin', set: 'swapped' },
];

interface CrossEncoding {
  rows: string[];
  columns: string[];
  matrix: (number | null)[][];
}

/** Uploads the demo's gradients as a labeled set of `model`'s v1, labels by the context (sign flipped if asked). */
async function uploadSet(base: string, model: string, name: string, sign: 1 | -1): Promise<void> {
  const context = JSON.parse(await readFile(path.join(CHECKPOINT, 'gradiend_context.json'), 'utf8')) as {
    feature_class_encoding_direction: Record<string, number>;
  };
  const files = (await readdir(GRADIENTS)).filter((f) => f.endsWith('.safetensors')).sort();
  const rows = files.map((file) => {
    const digit = /digit(\d)/.exec(file)?.[1] ?? '';
    return {
      file,
      label: sign * (context.feature_class_encoding_direction[digit] ?? 0),
      type: 'training',
    };
  });
  const form = new FormData();
  form.append('name', name);
  form.append('version', '1');
  form.append(
    'manifest',
    new Blob([JSON.stringify({ rows })], { type: 'application/json' }),
    'manifest.json',
  );
  for (const f of files) form.append('gradients', await openAsBlob(path.join(GRADIENTS, f)), f);
  const res = await fetch(`${base}/api/models/${model}/labeled-sets`, { method: 'POST', body: form });
  expect(res.status, await res.clone().text()).toBe(201);
}

describe('cross-encoding in Chromium: the hovered cell reads the API’s value', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ env: { GRADIEND_SEED_DEMO: 'off' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    for (const model of ['digits', 'twin']) await uploadFolder(server.apiUrl, model, CHECKPOINT);
    await uploadSet(server.apiUrl, 'digits', 'held-out', 1);
    await uploadSet(server.apiUrl, 'twin', 'swapped', -1);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('picks two versions and two models’ sets, computes the 2×2 matrix and reads hovered cells', async () => {
    await page.goto(`${server.baseUrl}/compare?view=cross`);
    // The checkboxes reflect the URL, which updates after the click: wait for each to read as checked.
    for (const name of [...ROWS, ...COLUMNS.map((c) => `${c.model}/${c.set}`)]) {
      await page.getByRole('checkbox', { name: new RegExp(`^${name}`) }).click();
      await page.getByRole('checkbox', { name: new RegExp(`^${name}`), checked: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Compute 2×2 matrix' }).click();
    await page
      .locator(
        '[data-testid=cross-result] [data-testid=matrix-heatmap][data-size="2"][data-columns="2"] .js-plotly-plot[data-plot-ready=true]',
      )
      .waitFor();

    const res = await fetch(`${server.apiUrl}/api/compare/cross-encoding?wait=60`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: ROWS, columns: COLUMNS, metric: 'positive_mean' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const api = (await res.json()) as CrossEncoding;
    expect(api.rows).toEqual(ROWS);
    expect(api.columns).toEqual(['digits/held-out', 'twin/swapped']);

    await page.locator('[data-testid=matrix-heatmap]').scrollIntoViewIfNeeded();
    // Off-diagonal cells: a row encoding the other model's set.
    for (const [row, col] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const readout = await readMatrixCell(page, row, col);
      const want = api.matrix[row]?.[col];
      expect(typeof want).toBe('number');
      expect(Number(await readout.getAttribute('data-value'))).toBe(want);
      await expect(readout.textContent()).resolves.toContain(
        `${api.rows[row]} on ${api.columns[col]}: ${(want as number).toFixed(4)}`,
      );
    }
    await screenshot(page, 'compare-cross-encoding-hover');
  });
});
