import path from 'node:path';
import type { ApiConfig } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs/fs-blob-store.js';
import type { MetadataStore } from './metadata-store.js';
import { PostgresMetadataStore } from './postgres/postgres-metadata-store.js';
import { createS3Client } from './s3/s3-client.js';
import { S3BlobStore } from './s3/s3-blob-store.js';
import { SqliteMetadataStore } from './sqlite/sqlite-metadata-store.js';

/** Where the stores keep local files under the data dir. */
export interface StorePaths {
  readonly database: string;
  readonly blobs: string;
  readonly tmp: string;
}

/** PostgreSQL when GRADIEND_DATABASE_URL is set, else SQLite in the data dir. Not migrated yet. */
export function createMetadataStore(
  config: ApiConfig,
  paths: Pick<StorePaths, 'database'>,
  onPoolError?: (error: Error) => void,
): MetadataStore {
  if (config.databaseUrl) {
    return new PostgresMetadataStore(config.databaseUrl, onPoolError ? { onError: onPoolError } : {});
  }
  return new SqliteMetadataStore(paths.database);
}

/** S3 when GRADIEND_S3_BUCKET is set (with a local cache in the data dir), else files in the data dir. */
export async function createBlobStore(config: ApiConfig, paths: StorePaths): Promise<BlobStore> {
  if (config.s3) {
    const store = new S3BlobStore({
      client: createS3Client(config.s3),
      bucket: config.s3.bucket,
      cacheDir: path.join(config.dataDir, 'cache', 'blobs'),
      tmpDir: paths.tmp,
    });
    await store.init();
    return store;
  }
  const store = new FsBlobStore(paths.blobs, paths.tmp);
  await store.init();
  return store;
}
