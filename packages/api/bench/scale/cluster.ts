import path from 'node:path';
import { startApiProcess, type ApiProcess } from '../../src/multi-instance/api-process.js';
import { createTestDatabase } from '../../src/test-support/postgres.js';
import { startTestS3Server } from '../../src/test-support/s3-server.js';
import { makeTempDir } from '../../src/test-support/temp-dir.js';
import type { Teardown } from './teardown.js';

export interface Cluster {
  readonly database: string;
  readonly s3Endpoint: string;
  readonly instances: readonly ApiProcess[];
}

/**
 * A fresh PostgreSQL database, an s3rver bucket on loopback and `count` API processes sharing both,
 * each on its own free port. Every resource is registered with `teardown` as soon as it exists, so
 * a failure half-way still removes what was created.
 */
export async function startCluster(
  count: number,
  teardown: Teardown,
  log: (line: string) => void,
): Promise<Cluster> {
  const tmp = await makeTempDir('gradiend-bench-scale-');
  teardown.add(`remove ${tmp.dir}`, tmp.cleanup);
  const db = await createTestDatabase('gradiend_bench_');
  teardown.add(`drop database ${db.name}`, db.drop);
  log(`database ${db.name}`);
  const s3 = await startTestS3Server();
  teardown.add('stop s3rver', s3.close);
  const bucket = await s3.createBucket();
  log(`s3rver ${s3.endpoint}, bucket ${bucket.bucket}`);

  const env = (name: string): Record<string, string> => ({
    GRADIEND_DATA_DIR: path.join(tmp.dir, name),
    GRADIEND_DATABASE_URL: db.url,
    GRADIEND_S3_ENDPOINT: s3.endpoint,
    GRADIEND_S3_BUCKET: bucket.bucket,
    GRADIEND_S3_REGION: bucket.region,
    GRADIEND_S3_ACCESS_KEY_ID: bucket.accessKeyId ?? '',
    GRADIEND_S3_SECRET_ACCESS_KEY: bucket.secretAccessKey ?? '',
    GRADIEND_S3_FORCE_PATH_STYLE: 'true',
    GRADIEND_SEED_DEMO: 'off',
    GRADIEND_AUTH: 'off',
    GRADIEND_RATE_LIMIT_WRITES: '0',
    LOG_LEVEL: 'warn',
  });
  // Started together, as replicas are: the migrations must serialise on the advisory lock.
  const names = Array.from({ length: count }, (_, i) => String.fromCharCode(97 + i));
  const started = await Promise.allSettled(names.map((name) => startApiProcess(env(name))));
  const instances: ApiProcess[] = [];
  for (const [i, result] of started.entries()) {
    if (result.status === 'fulfilled') {
      instances.push(result.value);
      teardown.add(`stop instance ${names[i]}`, result.value.stop);
    }
  }
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const [i, p] of instances.entries()) log(`instance ${names[i]} ${p.base} (pid ${p.child.pid})`);
  return { database: db.name, s3Endpoint: s3.endpoint, instances };
}
