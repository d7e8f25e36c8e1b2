import { Readable } from 'node:stream';
import { problemFor, toKnownProblem, type Problem } from '../errors/problem.js';
import type { BlobStore } from '../storage/blob-store.js';
import { JobArtifact, type JobContext, type JobKind } from './job-kind.js';
import type { JobRecord, JobResultRef, JobStore } from './job-types.js';

export interface JobRunnerOptions {
  /** This instance's lease owner name (unique per process). */
  readonly instanceId: string;
  /** Jobs this instance runs at once. */
  readonly concurrency: number;
  /** A running job's lease; another instance takes the job over once it passes without a heartbeat. */
  readonly leaseMs: number;
  /** How often a running job renews its lease (and notices a cancel from another instance). */
  readonly heartbeatMs: number;
  /** How often an idle instance looks for queued jobs (and for expired leases). */
  readonly pollMs: number;
  /** Finished jobs unused for this long are deleted (their results go with the orphan sweep); 0 keeps them. */
  readonly retentionMs?: number;
}

/** The retention cleanup runs at most this often (and at most every `retentionMs`). */
const CLEANUP_EVERY_MS = 3_600_000;

/** How a run ended on this instance: `lost` = cancelled elsewhere or lease taken over. */
export type JobOutcome = 'done' | 'failed' | 'cancelled' | 'released';

export interface JobRunnerEvents {
  /** A job this instance runs changed (progress, state): wakes local waiters. */
  changed(id: string): void;
  finished(job: JobRecord, outcome: JobOutcome, seconds: number): void;
  error(error: unknown, message: string): void;
}

/** Reason given to the abort signal on graceful shutdown: the job goes back to the queue. */
export class JobShutdownError extends Error {
  constructor() {
    super('instance shutting down');
    this.name = 'JobShutdownError';
  }
}

/** Reason given when the job was cancelled or is no longer leased to this instance. */
export class JobLostError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled or taken over`);
    this.name = 'JobLostError';
  }
}

export const ABANDONED_PROBLEM: Problem = problemFor(
  'GRADIEND_ERR_JOB_ABANDONED',
  'Every instance that ran this job stopped before finishing it; submit it again.',
);

function toProblem(error: unknown): Problem {
  return toKnownProblem(error) ?? problemFor('GRADIEND_ERR_INTERNAL', 'The job failed on the server.');
}

function clampFraction(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
}

async function storeResult(blobs: BlobStore, output: unknown): Promise<JobResultRef> {
  const artifact = output instanceof JobArtifact ? output : null;
  const bytes = artifact ? Buffer.from(artifact.bytes) : Buffer.from(JSON.stringify(output ?? null), 'utf8');
  const info = await blobs.put(Readable.from([bytes]));
  return { sha256: info.sha256, size: info.size, contentType: artifact?.contentType ?? 'application/json' };
}

interface ActiveJob {
  readonly controller: AbortController;
  readonly finished: Promise<void>;
}

/**
 * Claims queued jobs of the registered kinds from the shared store and runs them, at most
 * `concurrency` at a time. A running job renews its lease every `heartbeatMs`; when the renewal
 * finds the job no longer this instance's (cancelled, or taken over after a stall), the handler's
 * signal is aborted and whatever it returns is dropped.
 */
export class JobRunner {
  private readonly active = new Map<string, ActiveJob>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastReap = 0;
  private lastCleanup = 0;

  constructor(
    private readonly store: JobStore,
    private readonly blobs: BlobStore,
    private readonly kinds: ReadonlyMap<string, JobKind>,
    private readonly options: JobRunnerOptions,
    private readonly events: JobRunnerEvents,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for work now (after a local submit, or when a slot frees up). */
  kick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.fill()
      .catch((error: unknown) => this.events.error(error, 'job claim failed'))
      .finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Deletes finished jobs unused for `retentionMs` before `at` (epoch ms); how many went. */
  removeFinished(at: number = Date.now()): Promise<number> {
    const retentionMs = this.options.retentionMs ?? 0;
    if (retentionMs <= 0) return Promise.resolve(0);
    return this.store.removeFinished(new Date(at - retentionMs).toISOString());
  }

  /** Aborts a job running here (cancelled through this instance). */
  abortLocal(id: string): void {
    this.active.get(id)?.controller.abort(new JobLostError(id));
  }

  isRunningHere(id: string): boolean {
    return this.active.has(id);
  }

  /** Stops claiming, gives running jobs back to the queue and waits (up to `graceMs`) for them. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    for (const job of this.active.values()) job.controller.abort(new JobShutdownError());
    const all = Promise.allSettled([...this.active.values()].map((j) => j.finished));
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timeout = setTimeout(r, graceMs)))]);
    clearTimeout(timeout);
  }

  private async fill(): Promise<void> {
    const now = Date.now();
    if (now - this.lastReap >= this.options.heartbeatMs) {
      this.lastReap = now;
      await this.store.reapExpired(ABANDONED_PROBLEM);
    }
    const retentionMs = this.options.retentionMs ?? 0;
    if (retentionMs > 0 && now - this.lastCleanup >= Math.min(retentionMs, CLEANUP_EVERY_MS)) {
      this.lastCleanup = now;
      // A failed cleanup must not keep this instance from claiming work; it is retried next time.
      await this.removeFinished(now).catch((error: unknown) =>
        this.events.error(error, 'removing finished jobs failed'),
      );
    }
    const kinds = [...this.kinds.keys()];
    while (!this.stopped && this.active.size < this.options.concurrency) {
      const job = await this.store.claim(this.options.instanceId, kinds, this.options.leaseMs);
      if (!job) return;
      this.launch(job);
    }
  }

  private launch(job: JobRecord): void {
    const kind = this.kinds.get(job.kind);
    const controller = new AbortController();
    const finished = this.execute(job, kind, controller).finally(() => {
      this.active.delete(job.id);
      this.events.changed(job.id);
      this.kick();
    });
    this.active.set(job.id, { controller, finished });
  }

  private async execute(
    job: JobRecord,
    kind: JobKind | undefined,
    controller: AbortController,
  ): Promise<void> {
    const { instanceId: owner, leaseMs, heartbeatMs } = this.options;
    const started = Date.now();
    let fraction = job.progress;
    let message = job.message;
    let beating: Promise<void> | null = null;
    let lastBeat = 0; // the first progress report is written at once
    const beat = (): Promise<void> => {
      beating ??= this.store
        .heartbeat(job.id, owner, leaseMs, { fraction, message })
        .then(
          (owned) => {
            if (!owned) controller.abort(new JobLostError(job.id));
            this.events.changed(job.id);
          },
          (error: unknown) => this.events.error(error, 'job heartbeat failed'),
        )
        .finally(() => {
          beating = null;
          lastBeat = Date.now();
        });
      return beating;
    };
    const interval = setInterval(() => void beat(), heartbeatMs);
    interval.unref();
    const context: JobContext = {
      signal: controller.signal,
      progress: (f, what) => {
        fraction = clampFraction(f);
        if (what !== undefined) message = what;
        // Progress reaches other instances' pollers through the store, at most every 250 ms.
        if (Date.now() - lastBeat >= Math.min(250, heartbeatMs)) void beat();
      },
      job: { id: job.id, actor: job.createdBy, attempt: job.attempts },
    };
    const finish = (outcome: JobOutcome): void =>
      this.events.finished(job, outcome, (Date.now() - started) / 1000);
    try {
      if (!kind) throw new Error(`no handler for job kind ${job.kind}`);
      const output = await kind.run(job.args, context);
      controller.signal.throwIfAborted();
      const result = await storeResult(this.blobs, output);
      clearInterval(interval);
      await beating;
      await beat(); // the last progress message, which the throttle may have held back
      controller.signal.throwIfAborted();
      const ok = await this.store.complete(job.id, owner, result);
      finish(ok ? 'done' : 'cancelled');
    } catch (error) {
      clearInterval(interval);
      await beating;
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : null;
      if (reason instanceof JobShutdownError) {
        await this.store.release(job.id, owner);
        finish('released');
      } else if (reason !== null) {
        finish('cancelled');
      } else {
        const problem = toProblem(error);
        await beat(); // the progress reached before failing, which the throttle may have held back
        if (problem.status >= 500) this.events.error(error, `job ${job.id} (${job.kind}) failed`);
        await this.store.fail(job.id, owner, problem);
        finish('failed');
      }
    } finally {
      clearInterval(interval);
    }
  }
}
