import { InlineTaskRunner } from './inline-task-runner.js';
import { PoolTaskRunner } from './pool-task-runner.js';
import type { TaskRunner } from './task-runner.js';

/** `threads` worker threads, or the main thread when 0. */
export async function createTaskRunner(threads: number): Promise<TaskRunner> {
  if (threads > 0) return new PoolTaskRunner(threads);
  const { taskHandlers } = await import('./task-handlers.js');
  return new InlineTaskRunner(taskHandlers);
}
