import { defineConfig } from 'vitest/config';

// Tests that assert latencies of a server under attack run alone, one file at a time, so that other
// test files on the same cores do not count as the server's own slowness (`pnpm test:serial`).
export default defineConfig({
  resolve: { conditions: ['@gradiend/source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@gradiend/source', 'node', 'default'] } },
  test: {
    name: 'api-serial',
    root: import.meta.dirname,
    include: ['src/**/*.serial.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
