import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../test-support/fixtures.js';
import { rewriteFamily } from './rewrite-family.js';
import { familyTotals, runConformance } from './run-conformance.js';

const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

describe('rewrite conformance family', () => {
  it('passes every rewrite of every case, with checks from each case', async () => {
    const results = await runConformance(FIXTURES_DIR, {}, [rewriteFamily]);
    expect(
      results.filter((r) => r.failure !== null).map((r) => `${r.caseName}: ${r.check}: ${r.failure}`),
    ).toEqual([]);
    const cases = await rewriteFamily.listCases(FIXTURES_DIR);
    expect(cases.length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.caseName))).toEqual(new Set(cases));
    expect(familyTotals(results, [rewriteFamily])).toEqual([
      { family: 'rewrite', passed: results.length, failed: 0 },
    ]);
  }, 120_000);

  it('fails when the expected rewrite is not what the arguments produce', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-rewrite-family-'));
    tmpDirs.push(dir);
    const caseDir = path.join(dir, 'two-layer-all');
    await cp(path.join(FIXTURES_DIR, 'two-layer-all', 'model'), path.join(caseDir, 'model'), {
      recursive: true,
    });
    await cp(
      path.join(FIXTURES_DIR, 'two-layer-all', 'rewrite', 'model'),
      path.join(caseDir, 'rewrite', 'model'),
      {
        recursive: true,
      },
    );
    const file = path.join(caseDir, 'rewrite', 'model', 'expected.json');
    const expected = JSON.parse(await readFile(file, 'utf8')) as {
      rewrites: { args: { learning_rate: number } }[];
    };
    const first = expected.rewrites[0];
    if (!first) throw new Error('fixture has no rewrites');
    first.args.learning_rate *= 2;
    // A second call made to fail in the reference: a part it rejects.
    expected.rewrites.push({
      args: { learning_rate: 1, part: 'nonsense' },
      error: { type: 'ValueError' },
    } as never);
    await writeFile(file, JSON.stringify(expected));
    const results = await runConformance(dir, {}, [rewriteFamily]);
    const failed = results.filter((r) => r.failure !== null).map((r) => r.check);
    expect(failed.some((c) => c.startsWith('model.rewrite0.weights.'))).toBe(true);
    expect(failed.some((c) => c.startsWith('model.rewrite0.patch.'))).toBe(true);
    expect(failed.filter((c) => !c.startsWith('model.rewrite0.'))).toEqual([]);
    expect(
      results.find((r) => r.check === `model.rewrite${expected.rewrites.length - 1}.error`)?.failure,
    ).toBeNull();
  }, 60_000);
});
