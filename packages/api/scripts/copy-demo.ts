// Build step: ships the demo checkpoints inside dist/demo so a clone without ../shared can seed.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.GRADIEND_SHARED_DIR ?? path.resolve(packageRoot, '../../../shared');
const target = path.join(packageRoot, 'dist', 'demo');
const copies: [string, string][] = [
  [path.join(shared, 'demo', 'digits', 'gradiend-digits-3-vs-8'), 'gradiend-digits-3-vs-8'],
  [path.join(shared, 'fixtures', 'reference', 'bert-shaped-224k', 'model'), 'bert-shaped-224k'],
];

mkdirSync(target, { recursive: true });
for (const [from, name] of copies) {
  if (!existsSync(from)) {
    console.warn(`copy-demo: ${from} not found; keeping any existing copy`);
    continue;
  }
  rmSync(path.join(target, name), { recursive: true, force: true });
  cpSync(from, path.join(target, name), { recursive: true });
  console.log(`copy-demo: ${name}`);
}
