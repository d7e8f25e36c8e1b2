import { familyTotals, runConformance } from './conformance/run-conformance.js';
import type { CheckResult } from './conformance/family.js';

const USAGE = 'usage: pnpm conformance <fixtures-dir>... [--save-to <out-dir>]';

async function main(argv: string[]): Promise<number> {
  const dirs: string[] = [];
  let saveTo: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--save-to') {
      saveTo = argv[++i];
      if (saveTo === undefined) break;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      console.error(`unknown option '${a}'\n${USAGE}`);
      return 2;
    } else dirs.push(a);
  }
  if (dirs.length === 0 || (saveTo === undefined && argv.includes('--save-to'))) {
    console.error(USAGE);
    return 2;
  }
  const results: CheckResult[] = [];
  for (const dir of dirs) {
    results.push(
      ...(await runConformance(dir, {
        ...(saveTo !== undefined ? { saveTo } : {}),
        onResult: (r) => {
          if (r.failure !== null) console.log(`FAIL ${r.family} ${r.caseName}: ${r.check}: ${r.failure}`);
        },
      })),
    );
  }
  for (const t of familyTotals(results)) console.log(`${t.family}: ${t.passed} passed, ${t.failed} failed`);
  const failed = results.filter((r) => r.failure !== null).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  // A folder in which no family found a case is a mistake (a wrong path), not a pass.
  if (results.length === 0) {
    console.error(`no conformance cases found in ${dirs.join(', ')}`);
    return 1;
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
