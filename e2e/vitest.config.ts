import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig({
  resolve: {
    // The e2e run checks results against the core itself, read from source like the other packages do.
    alias: { '@gradiend/core/node': path.join(root, 'packages/core/src/node.ts') },
  },
  test: {
    name: 'e2e',
    root,
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});
