import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsDir, screenshotsDir } from './paths.js';

/**
 * A viewport screenshot into e2e/artifacts (every run). With GRADIEND_E2E_UPDATE_SCREENSHOTS=1 it is
 * also copied to docs/screenshots, the README's pictures, so ordinary runs leave the tree clean.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.GRADIEND_E2E_UPDATE_SCREENSHOTS === '1') {
    await mkdir(screenshotsDir, { recursive: true });
    await copyFile(file, path.join(screenshotsDir, `${name}.png`));
  }
}
