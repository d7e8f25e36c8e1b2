import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { loadScaleConfig } from './scale-config.js';

describe('loadScaleConfig', () => {
  it('defaults to SQLite + files with the sweep, rate limits, body timeouts and metrics on and CORS off', () => {
    expect(loadScaleConfig({})).toEqual({
      orphanSweepIntervalS: 3600,
      orphanGraceS: 3600,
      rateLimitWritesPerMinute: 120,
      rateLimitComputePerMinute: 3000,
      bodyIdleTimeoutS: 30,
      requestTimeoutS: 900,
      maxBodiesInFlightPerClient: 8,
      corsOrigins: [],
      metrics: true,
      jobLeaseMs: 30_000,
      jobMaxAttempts: 3,
      jobPollMs: 500,
      jobRetentionS: 7 * 86_400,
    });
  });

  it('reads the job settings and rejects bad ones', () => {
    expect(
      loadScaleConfig({
        GRADIEND_JOB_CONCURRENCY: '0',
        GRADIEND_JOB_LEASE_MS: '2000',
        GRADIEND_JOB_MAX_ATTEMPTS: '5',
        GRADIEND_JOB_POLL_MS: '50',
        GRADIEND_JOB_RETENTION_S: '0',
      }),
    ).toMatchObject({
      jobConcurrency: 0,
      jobLeaseMs: 2000,
      jobMaxAttempts: 5,
      jobPollMs: 50,
      jobRetentionS: 0,
    });
    expect(() => loadScaleConfig({ GRADIEND_JOB_CONCURRENCY: '65' })).toThrow(/GRADIEND_JOB_CONCURRENCY/);
    expect(() => loadScaleConfig({ GRADIEND_JOB_LEASE_MS: '-1' })).toThrow(/GRADIEND_JOB_LEASE_MS/);
    expect(() => loadScaleConfig({ GRADIEND_JOB_RETENTION_S: '1d' })).toThrow(/GRADIEND_JOB_RETENTION_S/);
  });

  it('reads PostgreSQL, S3 and CORS settings', () => {
    const c = loadScaleConfig({
      GRADIEND_DATABASE_URL: 'postgres://u:p@db:5432/gradiend',
      GRADIEND_S3_ENDPOINT: 'http://minio:9000',
      GRADIEND_S3_BUCKET: 'gradiend',
      GRADIEND_S3_ACCESS_KEY_ID: 'k',
      GRADIEND_S3_SECRET_ACCESS_KEY: 's',
      GRADIEND_CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      GRADIEND_RATE_LIMIT_WRITES: '0',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5432/gradiend',
      s3: {
        endpoint: 'http://minio:9000',
        bucket: 'gradiend',
        region: 'us-east-1',
        accessKeyId: 'k',
        secretAccessKey: 's',
        forcePathStyle: true,
      },
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      rateLimitWritesPerMinute: 0,
    });
    expect(loadScaleConfig({ GRADIEND_S3_BUCKET: 'b' }).s3?.forcePathStyle).toBe(false);
  });

  it('names the bad variable', () => {
    expect(() => loadScaleConfig({ GRADIEND_DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadScaleConfig({ GRADIEND_S3_ENDPOINT: 'http://x' })).toThrow(/GRADIEND_S3_BUCKET/);
    expect(() => loadScaleConfig({ GRADIEND_S3_BUCKET: 'b', GRADIEND_S3_ACCESS_KEY_ID: 'k' })).toThrow(
      /SECRET_ACCESS_KEY/,
    );
    expect(() => loadScaleConfig({ GRADIEND_CORS_ORIGINS: 'https://a/path' })).toThrow(
      /GRADIEND_CORS_ORIGINS/,
    );
    expect(() => loadScaleConfig({ GRADIEND_ORPHAN_GRACE_S: '-5' })).toThrow(/GRADIEND_ORPHAN_GRACE_S/);
  });
});
