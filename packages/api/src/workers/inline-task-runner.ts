import type { RunOptions, TaskContext, TaskRunner } from './task-runner.js';
import type { TaskHandlers } from './task-handlers-type.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

/** Runs tasks on the main thread: for tests and GRADIEND_WORKERS=0. */
export class InlineTaskRunner implements TaskRunner {
  constructor(private readonly handlers: TaskHandlers) {}

  async run<K extends TaskName>(
    name: K,
    args: TaskArgs<K>,
    _transfer?: readonly ArrayBuffer[],
    options: RunOptions = {},
  ): Promise<TaskResult<K>> {
    const handler = this.handlers[name] as (
      a: TaskArgs<K>,
      c: TaskContext,
    ) => Promise<TaskResult<K>> | TaskResult<K>;
    const signal = options.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    return await handler(args, { signal });
  }

  async close(): Promise<void> {}
}
