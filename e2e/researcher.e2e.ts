// The dashboard as a researcher uses it (issue 10): honest previews, plain errors, explanations,
// registry management. Each block checks one numbered item of the issue in Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { renderTime } from './support/render-timing.js';
import { startServer, type RunningServer } from './support/start-server.js';

const DEMO = 'digits-3-vs-8';

let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let work: string;

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
});
