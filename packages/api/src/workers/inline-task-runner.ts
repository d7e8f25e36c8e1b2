import { settleTask, unwrapOutcome, type RunOptions, type TaskRunner } from './task-runner.js';
import type { TaskHandlers } from './task-handlers-type.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

/**
 * Runs tasks on the main thread: for tests and GRADIEND_WORKERS=0. Failures go through the same
 * serialisation as on the pool, so both runners raise the same errors.
 */
export class InlineTaskRunner implements TaskRunner {
  constructor(private readonly handlers: TaskHandlers) {}

  async run<K extends TaskName>(
    name: K,
    args: TaskArgs<K>,
    _transfer?: readonly ArrayBuffer[],
    options: RunOptions = {},
  ): Promise<TaskResult<K>> {
    const signal = options.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    const outcome = await settleTask(this.handlers, name, args, { signal });
    // As on the pool: a task that failed after its caller gave up rejects with the signal's reason.
    if (!outcome.ok) signal.throwIfAborted();
    return unwrapOutcome(outcome) as TaskResult<K>;
  }

  async close(): Promise<void> {}
}
