// Compare › Similarity matrix in Chromium: a 3×3 cosine matrix of the digits GRADIEND and two of its
// prunes; hovering a cell with the mouse shows that cell's value, and that value is the API's.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFolder } from './support/api-client.js';
import { launchBrowser } from './support/browser.js';
import { readMatrixCell } from './support/plotly-hover.js';
import { sharedDir } from './support/paths.js';
import { screenshot } from './support/screenshots.js';
import { startServer, type RunningServer } from './support/start-server.js';

const MODEL = 'digits';
const REFS = [`${MODEL}@1`, `${MODEL}@2`, `${MODEL}@3`];

interface Matrix {
  model_ids: string[];
  matrix: number[][];
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('similarity matrix in Chromium: the hovered cell reads the API’s value', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ env: { GRADIEND_SEED_DEMO: 'off' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    await uploadFolder(
      server.apiUrl,
      MODEL,
      path.join(sharedDir, 'demo', 'digits', 'gradiend-digits-3-vs-8'),
    );
    // Two prunes of v1: same base parameter space, different kept coordinates, so the cells differ.
    for (const topk of ['50%', '10%']) {
      const res = await post(`${server.apiUrl}/api/models/${MODEL}/versions/1/prune`, { topk });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('computes the 3×3 matrix and shows the hovered cell’s value, equal to the API’s', async () => {
    await page.goto(`${server.baseUrl}/compare?view=matrix&measure=cosine&pick=${REFS.join(',')}`);
    await page.getByRole('button', { name: 'Compute 3×3 matrix' }).click();
    await page
      .locator('[data-testid=matrix-heatmap][data-size="3"] .js-plotly-plot[data-plot-ready=true]')
      .waitFor();

    const res = await post(`${server.apiUrl}/api/compare/matrix?wait=60`, {
      models: REFS,
      measure: 'cosine',
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const api = (await res.json()) as Matrix;
    expect(api.model_ids).toEqual(REFS);

    // The 3×3 plot sits below the controls: bring it into the viewport, where mouse events reach it.
    await page.locator('[data-testid=matrix-heatmap]').scrollIntoViewIfNeeded();
    // Off-diagonal cells, so a readout stuck on the diagonal's 1 would not pass.
    for (const [row, col] of [
      [0, 2],
      [2, 1],
    ] as const) {
      const readout = await readMatrixCell(page, row, col);
      const want = api.matrix[row]?.[col] as number;
      expect(Number(await readout.getAttribute('data-value'))).toBe(want);
      await expect(readout.textContent()).resolves.toContain(
        `${REFS[row]} vs ${REFS[col]}: ${want.toFixed(4)}`,
      );
    }
    await screenshot(page, 'compare-matrix-hover');
  });
});
