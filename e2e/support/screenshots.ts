import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsDir, screenshotsDir } from './paths.js';

/** A viewport screenshot into e2e/artifacts, copied to docs/screenshots for the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  await mkdir(screenshotsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  await copyFile(file, path.join(screenshotsDir, `${name}.png`));
}
