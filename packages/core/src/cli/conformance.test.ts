import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../test-support/fixtures.js';
import { listCases, runConformance } from './conformance.js';

describe('conformance runner on the reference fixtures', () => {
  it('passes every check of every case', async () => {
    const results = await runConformance(FIXTURES_DIR);
    const failures = results
      .filter((r) => r.failure !== null)
      .map((r) => `${r.caseName}: ${r.check}: ${r.failure}`);
    expect(failures).toEqual([]);
    // Every case contributed checks (a case that threw early would show up as a failure above).
    const cases = await listCases(FIXTURES_DIR);
    expect(new Set(results.map((r) => r.caseName))).toEqual(new Set(cases));
    expect(results.length).toBeGreaterThan(cases.length * 20);
  }, 120_000);
});
