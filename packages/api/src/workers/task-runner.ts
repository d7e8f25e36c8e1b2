import type { TransferListItem } from 'node:worker_threads';
import type { TaskName, TaskArgs, TaskResult } from './task-types.js';

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
  ): Promise<TaskResult<K>>;
  close(): Promise<void>;
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
