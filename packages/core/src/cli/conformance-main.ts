import { runConformance } from './conformance.js';

const USAGE = 'usage: pnpm conformance <fixtures-dir> [--save-to <out-dir>]';

async function main(argv: string[]): Promise<number> {
  let dir: string | undefined;
  let saveTo: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--save-to') saveTo = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else if (!dir) dir = a;
    else {
      console.error(`unexpected argument '${a}'\n${USAGE}`);
      return 2;
    }
  }
  if (!dir || (saveTo === undefined && argv.includes('--save-to'))) {
    console.error(USAGE);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  await runConformance(dir, {
    saveTo,
    onResult: (r) => {
      if (r.failure === null) passed++;
      else {
        failed++;
        console.log(`FAIL ${r.caseName}: ${r.check}: ${r.failure}`);
      }
    },
  });
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
