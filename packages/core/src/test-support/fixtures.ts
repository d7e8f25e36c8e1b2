// The one place every package's tests find the shared reference material (../shared beside the repo root).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

export const SHARED_DIR = process.env.GRADIEND_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
export const FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures', 'reference');
export const DIGITS_DIR = path.join(SHARED_DIR, 'demo', 'digits');

export function fixturePath(...parts: string[]): string {
  const p = path.join(FIXTURES_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`reference fixture not found: ${p}`);
  return p;
}

export function digitsPath(...parts: string[]): string {
  const p = path.join(DIGITS_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`digits demo file not found: ${p}`);
  return p;
}
