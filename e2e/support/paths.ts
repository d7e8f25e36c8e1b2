import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared fixtures and demo: `../shared` next to the repository unless GRADIEND_SHARED_DIR says otherwise. */
export const sharedDir = process.env.GRADIEND_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
export const artifactsDir = path.join(repoRoot, 'e2e', 'artifacts');
export const screenshotsDir = path.join(repoRoot, 'docs', 'screenshots');
export const webDist = path.join(repoRoot, 'packages', 'web', 'dist');
