import { BudgetedTaskRunner } from './budgeted-task-runner.js';
import { InlineTaskRunner } from './inline-task-runner.js';
import { MemoryBudget } from './memory-budget.js';
import { PoolTaskRunner } from './pool-task-runner.js';
import type { TaskRunner } from './task-runner.js';
import { workerSettings } from './worker-settings.js';

/** `threads` worker threads, or the main thread when 0, sized by the instance's memory budget. */
export async function createTaskRunner(threads: number, budgetBytes: number): Promise<TaskRunner> {
  if (threads > 0) return new PoolTaskRunner({ threads, settings: workerSettings(budgetBytes, threads) });
  const { taskHandlers } = await import('./task-handlers.js');
  return new InlineTaskRunner(taskHandlers);
}

export interface BudgetSettings {
  readonly analysisMemoryBytes: number;
  readonly analysisQueueLength: number;
  readonly analysisQueueTimeoutMs: number;
}

/** Puts every task of `inner` behind the instance's memory budget (see MemoryBudget). */
export function withMemoryBudget(inner: TaskRunner, settings: BudgetSettings): BudgetedTaskRunner {
  const budget = new MemoryBudget(
    settings.analysisMemoryBytes,
    settings.analysisQueueLength,
    settings.analysisQueueTimeoutMs,
  );
  return new BudgetedTaskRunner(inner, budget);
}
