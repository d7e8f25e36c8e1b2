import type { Problem } from '../errors/problem.js';
import { JOB_STATES, type JobState } from '../schemas/vocabulary.js';

// Life of a job (schemas/vocabulary.ts): queued → running → done | failed | cancelled (running → queued when a lease expires).
export { JOB_STATES, type JobState };
/** States in which a job still computes something; at most one job per key is in one of them. */
export const LIVE_JOB_STATES: readonly JobState[] = ['queued', 'running'];

export function isFinished(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

/** Where a done job's result lives: a blob in the shared blob store. */
export interface JobResultRef {
  readonly sha256: string;
  readonly contentType: string;
  readonly size: number;
}

/** A job as stored (camelCase; `jobJson` gives the served snake_case form). */
export interface JobRecord {
  readonly id: string;
  readonly kind: string;
  readonly key: string;
  /** The handler's arguments, as submitted (JSON). */
  readonly args: unknown;
  /** The model (and version) the job is about, for the model page's jobs panel; null if none. */
  readonly model: string | null;
  readonly version: number | null;
  readonly state: JobState;
  /** 0…1, as last reported by the handler. */
  readonly progress: number;
  /** What the handler is doing right now ("importance of decoder-weight"). */
  readonly message: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly leaseOwner: string | null;
  /** Epoch ms; a running job whose lease passed is requeued (or failed after maxAttempts). */
  readonly leaseExpiresAt: number | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Last change; for a done job, when its stored result last answered a request (retention). */
  readonly updatedAt: string;
  readonly cancelledBy: string | null;
  readonly result: JobResultRef | null;
  /** Why a failed job failed, as the problem+json its request would have answered. */
  readonly error: Problem | null;
}

export interface NewJob {
  readonly id: string;
  readonly kind: string;
  readonly key: string;
  readonly args: unknown;
  readonly model: string | null;
  readonly version: number | null;
  readonly actor: string;
  readonly maxAttempts: number;
  /** Join a done job with the same key instead of computing again. */
  readonly reuseDone: boolean;
}

export interface JobQuery {
  readonly model?: string;
  readonly kind?: string;
  readonly state?: JobState;
  readonly limit: number;
}

export interface JobCount {
  readonly kind: string;
  readonly state: JobState;
  readonly n: number;
}

/**
 * Persistence of jobs, shared by every instance (one table in the metadata database). Every state
 * change is one conditional statement (`… WHERE state = 'running' AND lease_owner = $owner`), so
 * two instances never both finish, fail or claim one job; an instance that lost its job (cancelled,
 * or its lease taken over) learns it from a `false` answer.
 */
export interface JobStore {
  /**
   * Joins the job computing `key` (a done one too when `reuseDone`) or inserts `job` as queued.
   * `created` tells which; an audit entry `job.start` is written for created jobs.
   */
  submit(job: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | null>;
  /** The newest job for `key` in one of `states`, or null. */
  byKey(key: string, states: readonly JobState[]): Promise<JobRecord | null>;
  /** Newest first. */
  list(query: JobQuery): Promise<JobRecord[]>;
  /** Takes the oldest queued job of one of `kinds`: running, leased to `owner` for `leaseMs`. */
  claim(owner: string, kinds: readonly string[], leaseMs: number): Promise<JobRecord | null>;
  /** Extends the lease and records progress; false when the job is no longer `owner`'s running job. */
  heartbeat(
    id: string,
    owner: string,
    leaseMs: number,
    progress: { fraction: number; message: string },
  ): Promise<boolean>;
  complete(id: string, owner: string, result: JobResultRef): Promise<boolean>;
  fail(id: string, owner: string, error: Problem): Promise<boolean>;
  /** Gives a running job back to the queue (graceful shutdown) without counting the attempt. */
  release(id: string, owner: string): Promise<boolean>;
  /** Cancels a queued or running job (audit `job.cancel`); null when absent, the record otherwise. */
  cancel(id: string, actor: string): Promise<JobRecord | null>;
  /**
   * Running jobs whose lease passed (their instance died): back to queued, or failed with
   * `error` once they used `max_attempts`.
   */
  reapExpired(error: Problem): Promise<{ requeued: number; failed: number }>;
  /**
   * Deletes finished jobs (done, failed, cancelled) whose `updated_at` is before `before` (ISO);
   * a done job's `updated_at` is when it last answered a request (`submit` refreshes it when it
   * joins one), so a cached result in use is kept. Its result blob is then unreferenced and goes
   * with the orphan sweep, after its grace. Returns how many rows went.
   */
  removeFinished(before: string): Promise<number>;
  /** Queued and running jobs by kind, over all instances (metrics). */
  liveCounts(): Promise<JobCount[]>;
  /** Whether a job's result is stored in this blob (the orphan sweep keeps it). */
  isResultBlob(sha256: string): Promise<boolean>;
}
