// Evaluate tab and the prune explorer's curve in Chromium: upload the digits demo's 24 gradients as a
// labeled set, read the scorecard (equal to the API's), see the pruning curve, take its suggested k,
// apply the prune, and find the new version's scorecard equal to the curve's point at that k.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
const GRADIENTS = path.join(DIGITS, 'gradients');
const MODEL = 'digits';
const SET = 'digits-held-out';

interface Scores {
  correlation: number;
  accuracy: number;
}
interface Evaluation {
  metrics: { correlation: number; training_only: Scores; all_data: Scores; target_classes_only: Scores };
}
interface Curve {
  unpruned: { correlation: number };
  points: { k: number; kept_dims: number; correlation: number; accuracy: number; training_only: Scores }[];
}

async function getDone<T>(server: RunningServer, url: string): Promise<T> {
  const res = await fetch(`${server.apiUrl}${url}${url.includes('?') ? '&' : '?'}wait=60`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

function rel(a: number, e: number): number {
  return Math.abs(a - e) / Math.max(Math.abs(e), 1e-12);
}

/** The shown subset rows of the scorecard: subset → [correlation, accuracy]. */
async function shownScorecard(page: Page): Promise<Record<string, [number, number]>> {
  return page.$$eval('[data-testid=scorecard-subsets] tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((tr) => {
        const d = (tr as HTMLElement).dataset;
        return [d.subset ?? '', [Number(d.correlation), Number(d.accuracy)]];
      }),
    ),
  );
}

describe('evaluation in Chromium: scorecard, pruning curve, suggested k, applied prune', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let work: string;
  let files: string[];
  let manifest: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'gradiend-e2e-evaluation-'));
    server = await startServer({ env: { GRADIEND_SEED_DEMO: 'off' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(120_000);
    await uploadFolder(server.apiUrl, MODEL, path.join(DIGITS, 'gradiend-digits-3-vs-8'));
    // Labels from the checkpoint's context (3 → +1, 8 → −1); alternate samples as train / test.
    const context = JSON.parse(
      await readFile(path.join(DIGITS, 'gradiend-digits-3-vs-8', 'gradiend_context.json'), 'utf8'),
    ) as { feature_class_encoding_direction: Record<string, number> };
    files = (await readdir(GRADIENTS)).filter((f) => f.endsWith('.safetensors')).sort();
    const rows = files.map((file, i) => {
      const digit = /digit(\d)/.exec(file)?.[1] ?? '';
      return {
        file,
        label: context.feature_class_encoding_direction[digit],
        type: 'training',
        source_id: digit,
        data_split: i % 2 === 0 ? 'train' : 'test',
      };
    });
    manifest = path.join(work, 'manifest.json');
    await writeFile(manifest, JSON.stringify({ rows }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('uploads the set on the Evaluate tab and shows the API’s scorecard', async () => {
    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1/evaluate`);
    await page.getByText('No labeled set serves v1 yet').waitFor();
    await page.getByPlaceholder('digits-test').fill(SET);
    await page.getByLabel('Manifest').setInputFiles(manifest);
    await page.getByLabel('Gradients').setInputFiles(files.map((f) => path.join(GRADIENTS, f)));
    await page.getByRole('button', { name: 'Upload set' }).click();
    await page.locator(`[data-testid=evaluation][data-set="${SET}"] [data-testid=scorecard]`).waitFor();
    await page.locator('[data-testid=evaluation] .js-plotly-plot[data-plot-ready=true]').waitFor();
    await screenshot(page, 'evaluate-tab');

    const api = await getDone<Evaluation>(server, `/api/models/${MODEL}/versions/1/evaluation?set=${SET}`);
    const shown = await shownScorecard(page);
    for (const subset of ['training_only', 'all_data', 'target_classes_only'] as const) {
      const s = api.metrics[subset];
      expect(shown[subset], subset).toEqual([s.correlation, s.accuracy]);
    }
    // The verdict's criteria are shown, and split generalization (the manifest names splits).
    await expect(page.locator('[data-testid=convergence] [data-check]').count()).resolves.toBe(3);
    await page.getByTestId('split-generalization').waitFor();
  });

  it('shows the curve, takes its suggested k, applies it; v2’s scorecard is the curve’s point at k', async () => {
    await page.goto(`${server.baseUrl}/models/${MODEL}/v/1/prune?set=${SET}&keep=90`);
    const suggestion = page.getByTestId('curve-suggestion');
    await suggestion.waitFor();
    await page.locator('[data-testid=pruning-curve] .js-plotly-plot[data-plot-ready=true]').waitFor();
    const k = Number(await suggestion.getAttribute('data-k'));

    const curve = await getDone<Curve>(
      server,
      `/api/models/${MODEL}/versions/1/pruning-curve?set=${SET}&part=decoder-weight`,
    );
    const point = curve.points.find((p) => p.k === k);
    expect(point).toBeDefined();
    // The suggestion is the smallest grid k keeping ≥ 90 % of the unpruned |correlation|.
    const goal = 0.9 * Math.abs(curve.unpruned.correlation);
    expect(Math.abs(point?.correlation ?? 0)).toBeGreaterThanOrEqual(goal);
    for (const p of curve.points) if (p.k < k) expect(Math.abs(p.correlation)).toBeLessThan(goal);
    expect(Number(await suggestion.getAttribute('data-correlation'))).toBe(point?.correlation);

    await page.getByRole('button', { name: /^Use k = / }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Top-k' }).inputValue()).toBe(String(k));
    await page.locator(`[data-testid=prune-preview][data-input-dim="${k}"]`).waitFor();
    await screenshot(page, 'prune-curve');
    await page.getByRole('button', { name: /Apply/ }).click();
    await page.waitForURL(new RegExp(`/models/${MODEL}/v/2$`));

    const v2 = await getDone<Evaluation>(server, `/api/models/${MODEL}/versions/2/evaluation?set=${SET}`);
    // The curve's encodings are partial sums over the ranked dims; the pruned model sums the same
    // terms in its own order, so float32 rounding may differ in the last digits.
    expect(rel(v2.metrics.training_only.correlation, point?.training_only.correlation ?? NaN)).toBeLessThan(
      1e-5,
    );
    expect(v2.metrics.training_only.accuracy).toBe(point?.training_only.accuracy);

    await page.goto(`${server.baseUrl}/models/${MODEL}/v/2/evaluate?set=${SET}`);
    await page.locator('[data-testid=evaluation][data-version="2"] [data-testid=scorecard]').waitFor();
    const shown = await shownScorecard(page);
    expect(shown.training_only).toEqual([
      v2.metrics.training_only.correlation,
      v2.metrics.training_only.accuracy,
    ]);
  });
});
