import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@gradiend/source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@gradiend/source', 'import', 'node', 'default'] } },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
