// The core benchmark in its own process: pnpm bench core [--json] [--small] [--threads N] [--reference DIR].
// Run with --expose-gc so the arrays of one step are freed before the next (scripts/bench.ts does).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCoreBenchOptions } from './bench-options.js';
import { referenceSource, runReference } from './reference-run.js';
import type { ReferenceOutcome } from './reference-run.js';
import { toJson, toTable } from './report.js';
import { runCoreBench } from './run-core-bench.js';

const options = parseCoreBenchOptions(process.argv.slice(2));
if (typeof options === 'string') {
  console.error(options);
  process.exit(2);
}
const small = options.shrink !== 1;
const source = referenceSource(options.reference);
const dir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-core-'));
try {
  if (!options.json) console.error('running the core benchmark (about a minute at full scale)…');
  const result = await runCoreBench(options.shrink, options.threads, dir);
  // The reference runs after our steps, in child processes, so it never shows in our peak RSS.
  let reference: ReferenceOutcome;
  if (source === null) {
    reference = {
      reference: null,
      reason: 'no --reference SRC_DIR given and GRADIEND_REFERENCE_SRC is not set',
    };
  } else {
    if (!options.json)
      console.error(`timing the reference library from ${source} (a few minutes at full scale)…`);
    reference = await runReference({
      source,
      checkpointDir: dir,
      inputDim: result.inputDim,
      python: process.env['GRADIEND_REFERENCE_PYTHON'],
    });
  }
  console.log(options.json ? toJson(result, small, reference) : toTable(result, small, reference));
} finally {
  await rm(dir, { recursive: true, force: true });
}
