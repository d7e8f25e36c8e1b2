import type { TransferListItem } from 'node:worker_threads';
import type { TaskName, TaskArgs, TaskResult } from './task-types.js';

/** What a task handler sees of its caller's AbortSignal (a worker cannot hold the signal itself). */
export interface TaskContext {
  readonly signal: { throwIfAborted(): void };
}

export interface RunOptions {
  /**
   * Aborting asks the task to stop: handlers that loop over large arrays check it between chunks
   * and fail with an AbortError; the run then rejects with the signal's reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Runs model work (load, importance, prune, …) on worker threads or, with 0 workers, inline. */
export interface TaskRunner {
  /**
   * `transfer`: buffers inside `args` that move to the worker instead of being copied; the caller
   * must not touch them afterwards (they are detached on a pool, untouched inline).
   */
  run<K extends TaskName>(
    name: K,
    args: TaskArgs<K>,
    transfer?: readonly TransferListItem[],
    options?: RunOptions,
  ): Promise<TaskResult<K>>;
  close(): Promise<void>;
}

/** A one-word flag in shared memory: the pool's way to pass an abort to a running task. */
export function abortFlag(signal: AbortSignal | undefined): Int32Array | undefined {
  if (!signal) return undefined;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const raise = (): void => void Atomics.store(flag, 0, 1);
  if (signal.aborted) raise();
  else signal.addEventListener('abort', raise, { once: true });
  return flag;
}

/** The task side of abortFlag. */
export function contextFromFlag(flag: Int32Array | undefined): TaskContext {
  return {
    signal: {
      throwIfAborted() {
        if (flag && Atomics.load(flag, 0) !== 0) {
          throw new DOMException('the request was cancelled', 'AbortError');
        }
      },
    },
  };
}

/** What crosses the thread boundary when a task fails: structured clone drops custom error fields. */
export interface SerializedTaskError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly fields: Readonly<Record<string, string>>;
}

export type TaskOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedTaskError };

/** A task failure re-raised on the main thread with the core error's code and fields. */
export class TaskError extends Error {
  readonly code: string | undefined;
  constructor(serialized: SerializedTaskError) {
    super(serialized.message);
    this.name = serialized.name;
    this.code = serialized.code;
    Object.assign(this, serialized.fields);
  }
}

export function serializeTaskError(error: unknown): SerializedTaskError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const record = error as Error & Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const key of ['rule', 'tensor', 'file', 'param', 'referenceType']) {
    const value = record[key];
    if (typeof value === 'string') fields[key] = value;
  }
  const code = typeof record.code === 'string' ? record.code : undefined;
  return { name: error.name, message: error.message, fields, ...(code !== undefined ? { code } : {}) };
}

export function unwrapOutcome<T>(outcome: TaskOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new TaskError(outcome.error);
}
