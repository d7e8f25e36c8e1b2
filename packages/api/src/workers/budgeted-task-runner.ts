import type { TransferListItem } from 'node:worker_threads';
import type { MemoryBudget } from './memory-budget.js';
import { taskMemory } from './task-memory.js';
import type { RunOptions, TaskRunner } from './task-runner.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

/** Runs every task only once its estimated memory (task-memory.ts) fits into the instance's budget. */
export class BudgetedTaskRunner implements TaskRunner {
  constructor(
    private readonly inner: TaskRunner,
    readonly budget: MemoryBudget,
  ) {}

  async run<K extends TaskName>(
    name: K,
    args: TaskArgs<K>,
    transfer?: readonly TransferListItem[],
    options?: RunOptions,
  ): Promise<TaskResult<K>> {
    const release = await this.budget.acquire(taskMemory(name, args));
    try {
      // A request cancelled while it waited for the budget does not start its task.
      options?.signal?.throwIfAborted();
      return await this.inner.run(name, args, transfer, options);
    } finally {
      release();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
