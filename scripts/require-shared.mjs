// pnpm test runs the reference suites, which read the fixtures at ../shared (CI has them). Without
// them it stops here with one clear message instead of dozens of failing fixture lookups.
// `pnpm start` never needs ../shared: it builds its own demos.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.GRADIEND_SHARED_DIR ?? path.resolve(root, '../shared');
const needed = ['fixtures/reference', 'demo/digits'].map((p) => path.join(shared, p));
const missing = needed.filter((p) => !existsSync(p));
if (missing.length) {
  console.error(
    [
      `pnpm test needs the reference fixtures, which are not at ${shared}:`,
      ...missing.map((p) => `  missing ${p}`),
      'Put the shared reference folder beside the repository (as CI does) or point GRADIEND_SHARED_DIR at it.',
      'Focused suites that need no fixtures still run directly, e.g. `npx vitest run packages/core/src/training`.',
    ].join('\n'),
  );
  process.exit(1);
}
