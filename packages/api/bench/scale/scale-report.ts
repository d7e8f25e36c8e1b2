import type { InstanceLoad } from './split-load.js';
import { textTable } from '../text-table.js';

export interface ScenarioResult {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly instances: readonly InstanceLoad[];
}

export interface ScenarioTotal {
  readonly connections: number;
  readonly requestsPerSecond: number;
  /** The worst instance's p99: per-instance histograms are not kept, so they cannot be merged. */
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
}

export function total(scenario: ScenarioResult): ScenarioTotal {
  const sum = (pick: (l: InstanceLoad) => number) => scenario.instances.reduce((n, l) => n + pick(l), 0);
  return {
    connections: sum((l) => l.connections),
    requestsPerSecond: sum((l) => l.requestsPerSecond),
    p99Ms: Math.max(...scenario.instances.map((l) => l.p99Ms)),
    requests: sum((l) => l.requests),
    errors: sum((l) => l.errors),
    non2xx: sum((l) => l.non2xx),
  };
}

/** Clean means: every instance answered, and nothing failed or came back non-2xx. */
export function clean(scenario: ScenarioResult): boolean {
  const t = total(scenario);
  return t.errors === 0 && t.non2xx === 0 && scenario.instances.every((l) => l.requests > 0);
}

export function toTable(scenarios: readonly ScenarioResult[]): string {
  const header = ['load', 'instance', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'non-2xx'];
  const rows: string[][] = [];
  for (const s of scenarios) {
    for (const l of s.instances)
      rows.push([
        s.name,
        l.base,
        String(l.connections),
        l.requestsPerSecond.toFixed(0),
        String(l.p50Ms),
        String(l.p99Ms),
        String(l.requests),
        String(l.errors),
        String(l.non2xx),
      ]);
    const t = total(s);
    rows.push([
      s.name,
      'total',
      String(t.connections),
      t.requestsPerSecond.toFixed(0),
      '',
      `${t.p99Ms} (max)`,
      String(t.requests),
      String(t.errors),
      String(t.non2xx),
    ]);
  }
  return textTable(header, rows);
}

export function toJson(scenarios: readonly ScenarioResult[], context: Record<string, unknown>): string {
  return JSON.stringify(
    {
      ...context,
      ok: scenarios.every(clean),
      loads: scenarios.map((s) => ({ ...s, total: total(s), clean: clean(s) })),
    },
    null,
    2,
  );
}
