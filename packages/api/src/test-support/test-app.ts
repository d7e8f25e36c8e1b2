import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { ApiConfig } from '../config/config.js';
import { makeTempDir } from './temp-dir.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** An app on a fresh data dir with inline tasks and no logs; `overrides` tweak the config. */
export async function createTestApp(overrides: Partial<ApiConfig> = {}): Promise<TestApp> {
  const tmp = await makeTempDir();
  const config: ApiConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: tmp.dir,
    seedDemo: false,
    auth: 'off',
    maxUploadBytes: 64 * 1024 * 1024,
    workers: 0,
    onnxCacheBytes: 256 * 1024 * 1024,
    logLevel: 'silent',
    webDir: path.join(tmp.dir, 'no-web-build'),
    ...overrides,
  };
  const app = await buildApp(config, { logger: false });
  await app.ready();
  return {
    app,
    dataDir: tmp.dir,
    async close() {
      await app.close();
      await tmp.cleanup();
    },
  };
}
