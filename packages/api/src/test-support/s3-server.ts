import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client, type S3Settings } from '../storage/s3/s3-client.js';
import { makeTempDir } from './temp-dir.js';

/** A real S3-protocol server (s3rver) on loopback, a random port and a temp directory. */
export interface TestS3Server {
  readonly endpoint: string;
  /** Settings for a fresh, empty bucket on this server. */
  createBucket(): Promise<S3Settings>;
  client(settings: S3Settings): S3Client;
  close(): Promise<void>;
}

// s3rver's fixed development credentials; it verifies request signatures against them.
const ACCESS_KEY = 'S3RVER';

export async function startTestS3Server(): Promise<TestS3Server> {
  const tmp = await makeTempDir('gradiend-s3rver-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: tmp.dir, silent: true });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const admin = createS3Client({
    endpoint,
    bucket: '',
    region: 'us-east-1',
    accessKeyId: ACCESS_KEY,
    secretAccessKey: ACCESS_KEY,
    forcePathStyle: true,
  });
  return {
    endpoint,
    async createBucket() {
      const bucket = `gradiend-test-${randomBytes(5).toString('hex')}`;
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      return {
        endpoint,
        bucket,
        region: 'us-east-1',
        accessKeyId: ACCESS_KEY,
        secretAccessKey: ACCESS_KEY,
        forcePathStyle: true,
      };
    },
    client: (settings) => createS3Client(settings),
    async close() {
      admin.destroy();
      await server.close();
      await tmp.cleanup();
    },
  };
}
