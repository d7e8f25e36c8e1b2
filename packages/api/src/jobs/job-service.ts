import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { ApiError } from '../errors/api-error.js';
import { isErrorCode } from '../errors/error-codes.js';
import type { Problem } from '../errors/problem.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { JobKind } from './job-kind.js';
import { jobKey } from './job-key.js';
import { JobRunner, type JobRunnerEvents, type JobRunnerOptions } from './job-runner.js';
import { isFinished, type JobQuery, type JobRecord, type JobStore } from './job-types.js';

export interface JobServiceOptions extends JobRunnerOptions {
  /** Attempts of a job whose instances die under it, unless its kind says otherwise. */
  readonly maxAttempts: number;
}

export interface SubmitInput<A> {
  /** The handler's arguments: JSON, and enough for any instance to run the job. */
  readonly args: A;
  /** What is computed (see `jobKey`); defaults to `jobKey(kind, args)`. */
  readonly key?: string;
  /** Who asked (the principal's name): audited, and passed to the handler. */
  readonly actor: string;
  /** The model/version the job is about, for listings (`GET /api/jobs?model=`). */
  readonly model?: string | null;
  readonly version?: number | null;
}

export interface Submission {
  readonly job: JobRecord;
  /** True when the request joined an existing job (queued, running, or done and reused). */
  readonly joined: boolean;
}

/** A job's stored problem re-raised, so the error handler answers it as the request would have. */
export function problemError(problem: Problem): Error {
  if (isErrorCode(problem.code)) {
    const { type: _t, title: _ti, status: _s, detail, code, instance: _i, ...extra } = problem;
    return new ApiError(code, detail, extra);
  }
  return new ApiError('GRADIEND_ERR_INTERNAL', problem.detail);
}

export interface JobLog {
  error(obj: object, msg: string): void;
}

export interface JobObserver {
  submitted(kind: string, joined: boolean): void;
  finished: JobRunnerEvents['finished'];
}

/**
 * The API's one mechanism for long work (docs/api.md, "Jobs"). A route (or a background hook)
 * submits a registered kind with a key naming what is computed; identical submissions from any
 * client or instance join one job. Any instance that registered the kind may run it (leases in the
 * shared metadata database); results are blobs in the shared blob store, served by any instance.
 */
export class JobService {
  private readonly kinds = new Map<string, JobKind>();
  private readonly runner: JobRunner;
  private readonly changes = new EventEmitter();
  /** Submissions whose store row is not written yet (see submissionsSettled). */
  private readonly submitting = new Set<Promise<Submission>>();
  observer: JobObserver | null = null;
  private log: JobLog = {
    error: (obj, msg) => process.emitWarning(`${msg}: ${String((obj as { err?: unknown }).err)}`),
  };

  constructor(
    private readonly store: JobStore,
    private readonly blobs: BlobStore,
    private readonly options: JobServiceOptions,
  ) {
    this.changes.setMaxListeners(0);
    this.runner = new JobRunner(store, blobs, this.kinds, options, {
      changed: (id) => this.changes.emit(id),
      finished: (job, outcome, seconds) => this.observer?.finished(job, outcome, seconds),
      error: (err, msg) => this.log.error({ err }, msg),
    });
  }

  setLogger(log: JobLog): void {
    this.log = log;
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Makes this instance run jobs of `kind` (call before `start`, e.g. while registering routes). */
  register<A, R>(kind: JobKind<A, R>): void {
    const existing = this.kinds.get(kind.name);
    if (existing && existing !== (kind as unknown as JobKind)) {
      throw new Error(`job kind ${kind.name} is registered twice`);
    }
    this.kinds.set(kind.name, kind as unknown as JobKind);
  }

  kindNames(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** Joins the job computing the same key, or queues a new one (and wakes this instance's runner). */
  submit<A, R>(kind: JobKind<A, R>, input: SubmitInput<A>): Promise<Submission> {
    const submission = this.insert(kind, input);
    this.submitting.add(submission);
    const forget = () => this.submitting.delete(submission);
    submission.then(forget, forget);
    return submission;
  }

  /**
   * Resolves when every submission started so far has its row in the store: a job submitted in the
   * background (a new version's analysis) is then visible to `list`.
   */
  async submissionsSettled(): Promise<void> {
    while (this.submitting.size > 0) await Promise.allSettled([...this.submitting]);
  }

  private async insert<A, R>(kind: JobKind<A, R>, input: SubmitInput<A>): Promise<Submission> {
    if (this.kinds.get(kind.name) !== (kind as unknown as JobKind)) {
      throw new Error(`job kind ${kind.name} is not registered`);
    }
    const { job, created } = await this.store.submit({
      id: randomUUID(),
      kind: kind.name,
      key: input.key ?? jobKey(kind.name, input.args),
      args: input.args,
      model: input.model ?? null,
      version: input.version ?? null,
      actor: input.actor,
      maxAttempts: kind.maxAttempts ?? this.options.maxAttempts,
      reuseDone: kind.reuseDone ?? true,
    });
    this.observer?.submitted(kind.name, !created);
    if (created) this.runner.kick();
    return { job, joined: !created };
  }

  get(id: string): Promise<JobRecord | null> {
    return this.store.get(id);
  }

  /**
   * The job computing (or that computed) `key` — live, else done — without starting one: e.g. to
   * show a background computation's progress in another resource. `key` as `submit` used it
   * (`jobKey(kind.name, args)` when it was not given).
   */
  async find(key: string): Promise<JobRecord | null> {
    return (await this.store.byKey(key, ['queued', 'running'])) ?? (await this.store.byKey(key, ['done']));
  }

  list(query: JobQuery): Promise<JobRecord[]> {
    return this.store.list(query);
  }

  /**
   * Cancels a queued or running job. A job running here stops at its handler's next signal check;
   * one running elsewhere at that instance's next heartbeat. Null when there is no such job.
   */
  async cancel(id: string, actor: string): Promise<JobRecord | null> {
    const job = await this.store.cancel(id, actor);
    if (job?.state === 'cancelled') this.runner.abortLocal(id);
    this.changes.emit(id);
    return job;
  }

  /**
   * Deletes finished jobs unused for the configured retention as of `at` (the runner does this by
   * itself about hourly); how many went. Their results are then orphan blobs for the sweep.
   */
  removeFinished(at?: number): Promise<number> {
    return this.runner.removeFinished(at);
  }

  /**
   * The job once it has finished, or as it is after `ms`. Wakes on local changes at once and polls
   * the store (other instances' progress) every `pollMs`.
   */
  async waitFor(id: string, ms: number, signal?: AbortSignal): Promise<JobRecord | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const job = await this.store.get(id);
      const left = deadline - Date.now();
      if (!job || isFinished(job.state) || left <= 0 || signal?.aborted) return job;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.changes.off(id, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, this.options.pollMs));
        this.changes.on(id, done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Streams a done job's result from the blob store. */
  openResult(job: JobRecord): Promise<Readable> {
    if (!job.result) throw new ApiError('GRADIEND_ERR_JOB_NOT_DONE', `job ${job.id} is ${job.state}`);
    return this.blobs.createReadStream(job.result.sha256);
  }

  /** A done job's JSON result, parsed. */
  async readJson<R>(job: JobRecord): Promise<R> {
    if (!job.result) throw new ApiError('GRADIEND_ERR_JOB_NOT_DONE', `job ${job.id} is ${job.state}`);
    return JSON.parse((await this.blobs.read(job.result.sha256)).toString('utf8')) as R;
  }

  /**
   * Submits (or joins) and waits without limit for the result: for work that needs another job's
   * output inside a request or handler. A failed job's problem is thrown as its ApiError; a
   * cancelled one as GRADIEND_ERR_JOB_CANCELLED.
   */
  async result<A, R>(kind: JobKind<A, R>, input: SubmitInput<A>, signal?: AbortSignal): Promise<R> {
    const { job } = await this.submit(kind, input);
    let current: JobRecord | null = job;
    while (current && !isFinished(current.state)) {
      signal?.throwIfAborted();
      current = await this.waitFor(job.id, 60_000, signal);
    }
    signal?.throwIfAborted();
    if (!current) throw new ApiError('GRADIEND_ERR_JOB_NOT_FOUND', `job ${job.id} vanished`);
    if (current.state === 'failed' && current.error) throw problemError(current.error);
    if (current.state === 'cancelled') {
      throw new ApiError(
        'GRADIEND_ERR_JOB_CANCELLED',
        `job ${job.id} was cancelled by ${current.cancelledBy ?? 'someone'}`,
      );
    }
    return this.readJson<R>(current);
  }

  isRunningHere(id: string): boolean {
    return this.runner.isRunningHere(id);
  }

  /** Starts claiming queued jobs. */
  start(): void {
    this.runner.start();
  }

  /** Stops claiming and hands running jobs back to the queue. */
  async stop(): Promise<void> {
    await this.runner.stop();
  }
}
