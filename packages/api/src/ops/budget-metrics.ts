import { Gauge, type Registry } from 'prom-client';
import type { MemoryBudget } from '../workers/memory-budget.js';

/** The memory budget's state, read at scrape time: bytes used / capacity, tasks running / waiting. */
export function registerBudgetMetrics(registry: Registry, budget: MemoryBudget): void {
  new Gauge({
    name: 'gradiend_analysis_memory_bytes',
    help: 'Memory budget of heavy tasks: estimated bytes in use and the capacity (GRADIEND_ANALYSIS_MEMORY_BYTES)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = budget.state();
      this.set({ state: 'used' }, s.used);
      this.set({ state: 'capacity' }, s.capacity);
    },
  });
  new Gauge({
    name: 'gradiend_analysis_tasks',
    help: 'Heavy tasks holding a share of the memory budget (running) or waiting for one (waiting)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = budget.state();
      this.set({ state: 'running' }, s.running);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
}
