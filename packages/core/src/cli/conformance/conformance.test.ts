import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../test-support/fixtures.js';
import { referenceFamily } from './reference-family.js';
import { familyTotals, runConformance } from './run-conformance.js';

describe('conformance runner on the reference fixtures', () => {
  it('passes every check of every case', async () => {
    const results = await runConformance(FIXTURES_DIR);
    const failures = results
      .filter((r) => r.failure !== null)
      .map((r) => `${r.family} ${r.caseName}: ${r.check}: ${r.failure}`);
    expect(failures).toEqual([]);
    // Every case contributed checks (a case that threw early would show up as a failure above).
    const cases = await referenceFamily.listCases(FIXTURES_DIR);
    const own = results.filter((r) => r.family === 'reference');
    expect(new Set(own.map((r) => r.caseName))).toEqual(new Set(cases));
    expect(own.length).toBeGreaterThan(cases.length * 20);
    expect(familyTotals(results).map((t) => t.family)).toContain('reference');
  }, 180_000);
});
