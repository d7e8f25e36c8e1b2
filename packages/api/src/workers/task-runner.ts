import type { TransferListItem } from 'node:worker_threads';
import { ApiError } from '../errors/api-error.js';
import { isErrorCode } from '../errors/error-codes.js';
import { CORE_PROBLEM_FIELDS } from '../errors/problem.js';
import type { TaskHandlers } from './task-handlers-type.js';
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

/**
 * What a task failure carries back, on a pool across the thread boundary (structured clone drops
 * custom error fields and classes). Both runners pass every failure through this, so a failing task
 * reaches the client as the same problem document whichever runner ran it.
 */
export interface SerializedTaskError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** The core error fields clients see in problem documents (CORE_PROBLEM_FIELDS). */
  readonly fields: Readonly<Record<string, string>>;
  /** An ApiError's extra problem members. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Where it was thrown, for the server's log. */
  readonly stack?: string;
}

export type TaskOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedTaskError };

/** A task failure re-raised on the calling thread with the core error's code and fields. */
export class TaskError extends Error {
  readonly code: string | undefined;
  constructor(serialized: SerializedTaskError) {
    super(serialized.message);
    this.name = serialized.name;
    this.code = serialized.code;
    Object.assign(this, serialized.fields);
    if (serialized.stack !== undefined) this.stack = serialized.stack;
  }
}

/**
 * The core checks its arguments with RangeError / TypeError (an index outside a param map, a tensor
 * of the wrong dtype); inside a task those come from the model and the request, not from a broken
 * server, so they become the core's catch-all GRADIEND_ERR_CORE (422) instead of a masked 500.
 * Node's own errors carry an ERR_* code and stay 500s.
 */
function coreArgumentCode(error: Error): string | undefined {
  const code: unknown = (error as Error & { code?: unknown }).code;
  if (code !== undefined) return undefined;
  return error instanceof RangeError || error instanceof TypeError ? 'GRADIEND_ERR_CORE' : undefined;
}

export function serializeTaskError(error: unknown): SerializedTaskError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const stack = error.stack !== undefined ? { stack: error.stack } : {};
  if (error instanceof ApiError) {
    return {
      name: 'ApiError',
      message: error.message,
      code: error.code,
      fields: {},
      extra: { ...error.extra },
      ...stack,
    };
  }
  const record = error as Error & Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const key of CORE_PROBLEM_FIELDS) {
    const value = record[key];
    if (typeof value === 'string') fields[key] = value;
  }
  const code = typeof record.code === 'string' ? record.code : coreArgumentCode(error);
  return {
    name: error.name,
    message: error.message,
    fields,
    ...(code !== undefined ? { code } : {}),
    ...stack,
  };
}

/** The error a failed task raises on the calling thread: an ApiError again, or a TaskError. */
export function taskFailure(serialized: SerializedTaskError): Error {
  if (serialized.name === 'ApiError' && isErrorCode(serialized.code)) {
    const error = new ApiError(serialized.code, serialized.message, serialized.extra);
    if (serialized.stack !== undefined) error.stack = serialized.stack;
    return error;
  }
  return new TaskError(serialized);
}

export function unwrapOutcome<T>(outcome: TaskOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw taskFailure(outcome.error);
}

/** Runs one task's handler and reports a failure as data: the one boundary both runners share. */
export async function settleTask(
  handlers: TaskHandlers,
  name: TaskName,
  args: unknown,
  context: TaskContext,
): Promise<TaskOutcome<unknown>> {
  try {
    const handler = handlers[name] as (args: unknown, context: TaskContext) => unknown;
    return { ok: true, value: await handler(args, context) };
  } catch (error) {
    return { ok: false, error: serializeTaskError(error) };
  }
}
