import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@gradiend/source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@gradiend/source', 'node', 'default'] } },
  test: {
    name: 'api',
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    // Tests that time the server under load run alone (vitest.serial.config.ts, `pnpm test:serial`).
    exclude: [...configDefaults.exclude, 'src/**/*.serial.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Suites build their apps and uploads in hooks; on a busy machine that outlasts vitest's 10 s.
    hookTimeout: 60_000,
  },
});
