import { ConfigError } from './config.js';
import { SERVER_LIMITS } from '../ops/request-limits.js';
import type { S3Settings } from '../storage/s3/s3-client.js';

/**
 * Settings for shared backends and operations. Optional in `ApiConfig` so hand-built configs
 * (tests) get the single-process defaults: SQLite + files, no sweep, no rate limit, no CORS.
 */
export interface ScaleConfig {
  /** `postgres://…` selects the PostgreSQL metadata store; absent means SQLite in the data dir. */
  readonly databaseUrl?: string;
  /** Present when GRADIEND_S3_BUCKET is set: blobs live in that bucket instead of the data dir. */
  readonly s3?: S3Settings;
  /** Seconds between orphan-blob sweeps; 0 turns the sweep off. */
  readonly orphanSweepIntervalS?: number;
  /** Orphan blobs younger than this are kept (uploads in flight on any instance). */
  readonly orphanGraceS?: number;
  /** Write requests per minute per client (token or IP); 0 turns rate limiting off. */
  readonly rateLimitWritesPerMinute?: number;
  /** Encode, decode and prune-preview requests per minute per client; 0 turns this limit off. */
  readonly rateLimitComputePerMinute?: number;
  /** A request body that sends nothing for this long is answered 408 (default 30). */
  readonly bodyIdleTimeoutS?: number;
  /** A request body not complete after this long is answered 408 (default 900). */
  readonly requestTimeoutS?: number;
  /** Requests with a body one client (token, or IP without one) may have in flight (default 8; 0 = off). */
  readonly maxBodiesInFlightPerClient?: number;
  /** Allowed CORS origins; `['*']` allows any; empty disables CORS headers. */
  readonly corsOrigins?: readonly string[];
  /** Serve Prometheus metrics at /metrics. */
  readonly metrics?: boolean;
  /** Jobs (src/jobs) this instance runs at once; default max(1, workers). */
  readonly jobConcurrency?: number;
  /** A running job's lease in ms: an instance silent for this long loses its job to another. */
  readonly jobLeaseMs?: number;
  /** Runs of a job before it is failed because its instances kept dying. */
  readonly jobMaxAttempts?: number;
  /** How often an idle instance looks for queued jobs, in ms. */
  readonly jobPollMs?: number;
  /** Finished jobs not used for this many seconds are deleted; 0 keeps them forever. */
  readonly jobRetentionS?: number;
}

export const DEFAULT_JOB_LEASE_MS = 30_000;
export const DEFAULT_JOB_MAX_ATTEMPTS = 3;
export const DEFAULT_JOB_POLL_MS = 500;
/** A week: long enough for the dashboard's job links and cached answers, short enough to bound the table. */
export const DEFAULT_JOB_RETENTION_S = 7 * 86_400;

function int(env: NodeJS.ProcessEnv, key: string, fallback: number, max = 10_000_000): number {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new ConfigError(`${key} must be an integer in [0, ${max}], got ${JSON.stringify(env[key])}`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${key} must be one of on/off/true/false/1/0, got ${JSON.stringify(env[key])}`);
}

function s3Settings(env: NodeJS.ProcessEnv): S3Settings | undefined {
  const bucket = env.GRADIEND_S3_BUCKET?.trim();
  const endpoint = env.GRADIEND_S3_ENDPOINT?.trim() || undefined;
  if (!bucket) {
    if (endpoint) throw new ConfigError('GRADIEND_S3_ENDPOINT is set but GRADIEND_S3_BUCKET is not');
    return undefined;
  }
  if (endpoint && !/^https?:\/\//.test(endpoint)) {
    throw new ConfigError(`GRADIEND_S3_ENDPOINT must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  }
  const accessKeyId = env.GRADIEND_S3_ACCESS_KEY_ID?.trim() || undefined;
  const secretAccessKey = env.GRADIEND_S3_SECRET_ACCESS_KEY?.trim() || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('set both GRADIEND_S3_ACCESS_KEY_ID and GRADIEND_S3_SECRET_ACCESS_KEY, or neither');
  }
  return {
    bucket,
    region: env.GRADIEND_S3_REGION?.trim() || 'us-east-1',
    // Custom endpoints (MinIO, Ceph) rarely have per-bucket DNS names.
    forcePathStyle: bool(env, 'GRADIEND_S3_FORCE_PATH_STYLE', endpoint !== undefined),
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : {}),
  };
}

/** Reads the shared-backend and operations settings; throws ConfigError naming the bad variable. */
export function loadScaleConfig(env: NodeJS.ProcessEnv): ScaleConfig {
  const databaseUrl = env.GRADIEND_DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('GRADIEND_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const s3 = s3Settings(env);
  const corsRaw = env.GRADIEND_CORS_ORIGINS?.trim() ?? '';
  const corsOrigins =
    corsRaw === ''
      ? []
      : corsRaw
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(
        `GRADIEND_CORS_ORIGINS entries must be * or scheme://host[:port] without a path, got ${JSON.stringify(origin)}`,
      );
    }
  }
  return {
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(s3 ? { s3 } : {}),
    orphanSweepIntervalS: int(env, 'GRADIEND_ORPHAN_SWEEP_INTERVAL_S', 3600),
    orphanGraceS: int(env, 'GRADIEND_ORPHAN_GRACE_S', 3600),
    rateLimitWritesPerMinute: int(env, 'GRADIEND_RATE_LIMIT_WRITES', 120),
    rateLimitComputePerMinute: int(env, 'GRADIEND_RATE_LIMIT_COMPUTE', 3000),
    bodyIdleTimeoutS: int(env, 'GRADIEND_BODY_IDLE_TIMEOUT_S', SERVER_LIMITS.bodyIdleTimeoutS, 86_400),
    requestTimeoutS: int(env, 'GRADIEND_REQUEST_TIMEOUT_S', SERVER_LIMITS.requestTimeoutS, 86_400),
    maxBodiesInFlightPerClient: int(
      env,
      'GRADIEND_MAX_BODIES_PER_CLIENT',
      SERVER_LIMITS.bodiesInFlightPerClient,
      10_000,
    ),
    corsOrigins,
    metrics: bool(env, 'GRADIEND_METRICS', true),
    ...(env.GRADIEND_JOB_CONCURRENCY?.trim()
      ? { jobConcurrency: int(env, 'GRADIEND_JOB_CONCURRENCY', 1, 64) }
      : {}),
    jobLeaseMs: int(env, 'GRADIEND_JOB_LEASE_MS', DEFAULT_JOB_LEASE_MS),
    jobMaxAttempts: int(env, 'GRADIEND_JOB_MAX_ATTEMPTS', DEFAULT_JOB_MAX_ATTEMPTS, 100),
    jobPollMs: int(env, 'GRADIEND_JOB_POLL_MS', DEFAULT_JOB_POLL_MS, 60_000),
    jobRetentionS: int(env, 'GRADIEND_JOB_RETENTION_S', DEFAULT_JOB_RETENTION_S, 10 * 365 * 86_400),
  };
}
