import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { afterAll } from 'vitest';
import { buildApp, type BuildAppOptions } from '../app.js';
import { DEFAULT_ENCODE_INLINE_MAX_VALUES, type ApiConfig } from '../config/config.js';
import { PostgresMetadataStore } from '../storage/postgres/postgres-metadata-store.js';
import { S3BlobStore } from '../storage/s3/s3-blob-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { startTestS3Server, type TestS3Server } from './s3-server.js';
import { listFiles, makeTempDir } from './temp-dir.js';

/** `sqlite-fs`: the embedded default. `postgres-s3`: a fresh PostgreSQL database + s3rver bucket per app. */
export type TestBackend = 'sqlite-fs' | 'postgres-s3';

function backendFromEnv(): TestBackend {
  const raw = process.env.GRADIEND_TEST_BACKEND ?? 'sqlite-fs';
  if (raw !== 'sqlite-fs' && raw !== 'postgres-s3') {
    throw new Error(`GRADIEND_TEST_BACKEND must be sqlite-fs or postgres-s3, got ${raw}`);
  }
  return raw;
}

let backend: TestBackend = backendFromEnv();
let s3Server: Promise<TestS3Server> | null = null;

/**
 * Runs every test app of the current test file on `which`. Call at the top of a file, before the
 * suites are imported; the shared s3rver is stopped after the file.
 */
export function useTestBackend(which: TestBackend): void {
  backend = which;
  afterAll(async () => {
    const server = s3Server;
    s3Server = null;
    if (server) await (await server).close();
  });
}

export function currentTestBackend(): TestBackend {
  return backend;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly dataDir: string;
  readonly backend: TestBackend;
  readonly blobs: BlobStore;
  /** Keys of every stored blob. */
  blobKeys(): Promise<string[]>;
  /** Everything an upload could leave behind: stored blobs and local files besides the SQLite database. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

async function sharedBackendOptions(dataDir: string): Promise<{
  options: BuildAppOptions;
  blobs: S3BlobStore;
  db: TestDatabase;
}> {
  s3Server ??= startTestS3Server();
  const server = await s3Server;
  const db = await createTestDatabase();
  const settings = await server.createBucket();
  const blobs = new S3BlobStore({
    client: server.client(settings),
    bucket: settings.bucket,
    cacheDir: path.join(dataDir, 'cache', 'blobs'),
    tmpDir: path.join(dataDir, 'tmp'),
  });
  await blobs.init();
  return { options: { meta: new PostgresMetadataStore(db.url), blobs }, blobs, db };
}

/**
 * An app on a fresh data dir with inline tasks and no logs; `overrides` tweak the config, `build`
 * adds build options (e.g. test-only job kinds).
 */
export async function createTestApp(
  overrides: Partial<ApiConfig> = {},
  build: Pick<BuildAppOptions, 'jobKinds'> & { plugins?: readonly FastifyPluginAsync[] } = {},
): Promise<TestApp> {
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
    encodeInlineMaxValues: DEFAULT_ENCODE_INLINE_MAX_VALUES,
    logLevel: 'silent',
    webDir: path.join(tmp.dir, 'no-web-build'),
    // Upload tests count blobs and temp files; analysis tests turn this on.
    backgroundAnalysis: false,
    ...overrides,
  };
  const shared = backend === 'postgres-s3' ? await sharedBackendOptions(tmp.dir) : null;
  const app = await buildApp(config, {
    logger: false,
    ...(build.jobKinds ? { jobKinds: build.jobKinds } : {}),
    ...shared?.options,
  });
  for (const plugin of build.plugins ?? []) await app.register(plugin);
  await app.ready();
  const blobs = app.services.blobs;
  const blobKeys = async () => {
    const keys: string[] = [];
    for await (const b of blobs.list()) keys.push(b.sha256);
    return keys.sort();
  };
  return {
    app,
    dataDir: tmp.dir,
    backend,
    blobs,
    blobKeys,
    async leftovers() {
      const local = (await listFiles(tmp.dir)).filter((f) => !f.startsWith('registry.sqlite'));
      return shared ? [...(await blobKeys()).map((k) => `s3:${k}`), ...local] : local;
    },
    async close() {
      await app.close();
      await shared?.db.drop();
      await tmp.cleanup();
    },
  };
}
