import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { folderParts, multipart } from './multipart.js';
import { createTestApp, type TestApp } from './test-app.js';
import { makeTempDir } from './temp-dir.js';

export interface UploadApps {
  /** Every upload below the header-only threshold: checkpoints are loaded in full. */
  readonly loads: TestApp;
  /** Every upload above the threshold (0 bytes): checkpoints are described from their headers. */
  readonly headers: TestApp;
  /** A scratch folder for the broken copies a test writes. */
  readonly tmpDir: string;
  /** Uploads the checkpoint folder `dir` as a new version of model `name`. */
  upload(t: TestApp, dir: string, name?: string): Promise<LightMyRequestResponse>;
}

/**
 * The two apps that upload-validation tests compare (full load vs header-only), started before the
 * suite and closed after it. Read the fields inside tests (they are set in `beforeAll`).
 */
export function useUploadApps(): UploadApps {
  let loads: TestApp | undefined;
  let headers: TestApp | undefined;
  let tmp: { dir: string; cleanup(): Promise<void> } | undefined;
  beforeAll(async () => {
    [loads, headers, tmp] = await Promise.all([
      createTestApp({ fullLoadMaxBytes: Number.MAX_SAFE_INTEGER }),
      createTestApp({ fullLoadMaxBytes: 0 }),
      makeTempDir(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([loads?.close(), headers?.close(), tmp?.cleanup()]);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useUploadApps: read inside a test, after beforeAll');
    return value;
  };
  return {
    get loads() {
      return started(loads);
    },
    get headers() {
      return started(headers);
    },
    get tmpDir() {
      return started(tmp).dir;
    },
    upload: (t, dir, name = 'm') =>
      t.app.inject({ method: 'POST', url: `/api/models/${name}/versions`, ...multipart(folderParts(dir)) }),
  };
}
