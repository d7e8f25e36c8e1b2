import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ApiConfig } from '../config/config.js';
import {
  DEFAULT_JOB_LEASE_MS,
  DEFAULT_JOB_MAX_ATTEMPTS,
  DEFAULT_JOB_POLL_MS,
  DEFAULT_JOB_RETENTION_S,
} from '../config/scale-config.js';
import type { BlobStore } from '../storage/blob-store.js';
import { JobService } from './job-service.js';
import type { JobStore } from './job-types.js';

/** The instance's job service from the config; the lease owner name is unique per process start. */
export function createJobService(config: ApiConfig, store: JobStore, blobs: BlobStore): JobService {
  const leaseMs = Math.max(200, config.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS);
  return new JobService(store, blobs, {
    instanceId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    concurrency: config.jobConcurrency ?? Math.max(1, config.workers),
    leaseMs,
    // Three renewals per lease: one lost heartbeat (a long GC, a slow query) does not lose the job.
    heartbeatMs: Math.max(50, Math.floor(leaseMs / 3)),
    pollMs: Math.max(20, config.jobPollMs ?? DEFAULT_JOB_POLL_MS),
    maxAttempts: Math.max(1, config.jobMaxAttempts ?? DEFAULT_JOB_MAX_ATTEMPTS),
    retentionMs: (config.jobRetentionS ?? DEFAULT_JOB_RETENTION_S) * 1000,
  });
}
