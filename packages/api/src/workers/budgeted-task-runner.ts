import type { TransferListItem } from 'node:worker_threads';
import type { MemoryBudget } from './memory-budget.js';
import { taskMemory } from './task-memory.js';
import type { TaskRunner } from './task-runner.js';
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
  ): Promise<TaskResult<K>> {
    const release = await this.budget.acquire(taskMemory(name, args));
    try {
      return await this.inner.run(name, args, transfer);
    } finally {
      release();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
