import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { startTestS3Server, type TestS3Server } from '../test-support/s3-server.js';
import { blobStoreContract } from './blob-store-contract.js';
import { FsBlobStore } from './fs/fs-blob-store.js';
import { S3BlobStore } from './s3/s3-blob-store.js';

describe('BlobStore contract: files', () => {
  blobStoreContract(async (dir) => {
    const store = new FsBlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    await store.init();
    return { store, cleanup: async () => undefined };
  });
});

describe('BlobStore contract: S3 (s3rver)', () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startTestS3Server();
  });
  afterAll(() => server.close());

  blobStoreContract(async (dir) => {
    const settings = await server.createBucket();
    const client = server.client(settings);
    const store = new S3BlobStore({
      client,
      bucket: settings.bucket,
      cacheDir: path.join(dir, 'cache'),
      tmpDir: path.join(dir, 'tmp'),
    });
    await store.init();
    return { store, cleanup: async () => client.destroy() };
  });
});
