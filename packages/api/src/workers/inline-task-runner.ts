import type { TaskRunner } from './task-runner.js';
import type { TaskHandlers } from './task-handlers-type.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

/** Runs tasks on the main thread: for tests and GRADIEND_WORKERS=0. */
export class InlineTaskRunner implements TaskRunner {
  constructor(private readonly handlers: TaskHandlers) {}

  async run<K extends TaskName>(name: K, args: TaskArgs<K>): Promise<TaskResult<K>> {
    const handler = this.handlers[name] as (a: TaskArgs<K>) => Promise<TaskResult<K>> | TaskResult<K>;
    return await handler(args);
  }

  async close(): Promise<void> {}
}
