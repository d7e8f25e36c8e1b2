import { settleTask, unwrapOutcome, type TaskRunner } from './task-runner.js';
import type { TaskHandlers } from './task-handlers-type.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

/**
 * Runs tasks on the main thread: for tests and GRADIEND_WORKERS=0. Failures go through the same
 * serialisation as on the pool, so both runners raise the same errors.
 */
export class InlineTaskRunner implements TaskRunner {
  constructor(private readonly handlers: TaskHandlers) {}

  async run<K extends TaskName>(name: K, args: TaskArgs<K>): Promise<TaskResult<K>> {
    const outcome = await settleTask(this.handlers, name, args);
    return unwrapOutcome(outcome) as TaskResult<K>;
  }

  async close(): Promise<void> {}
}
