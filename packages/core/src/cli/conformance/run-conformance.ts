import path from 'node:path';
import { CONFORMANCE_FAMILIES } from './families.js';
import type { CheckResult, ConformanceFamily, ConformanceOptions } from './family.js';

/** Runs every case of every family found in `fixturesDir`; returns all check results. */
export async function runConformance(
  fixturesDir: string,
  options: ConformanceOptions = {},
  families: readonly ConformanceFamily[] = CONFORMANCE_FAMILIES,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const family of families) {
    for (const caseName of await family.listCases(fixturesDir)) {
      const record = (check: string, failure: string | null): void => {
        const r = { family: family.name, caseName, check, failure };
        results.push(r);
        options.onResult?.(r);
      };
      try {
        await family.runCase(path.join(fixturesDir, caseName), caseName, record, options);
      } catch (e) {
        record('case', `threw ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  }
  return results;
}

/** Passed / failed counts per family, in `families` order, leaving out families that ran nothing. */
export function familyTotals(
  results: readonly CheckResult[],
  families: readonly ConformanceFamily[] = CONFORMANCE_FAMILIES,
): { family: string; passed: number; failed: number }[] {
  return families
    .map((f) => {
      const own = results.filter((r) => r.family === f.name);
      const failed = own.filter((r) => r.failure !== null).length;
      return { family: f.name, passed: own.length - failed, failed };
    })
    .filter((t) => t.passed + t.failed > 0);
}
