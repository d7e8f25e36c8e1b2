// The core benchmark in its own process: pnpm bench core [--json] [--small]. Run with --expose-gc
// so the arrays of one step are freed before the next (scripts/bench.ts does).
import { parseBenchOptions } from './bench-options.js';
import { toJson, toTable } from './report.js';
import { runCoreBench } from './run-core-bench.js';

const options = parseBenchOptions(process.argv.slice(2));
if (typeof options === 'string') {
  console.error(options);
  process.exit(2);
}
if (!options.json) console.error('running the core benchmark (about a minute at full scale)…');
const result = await runCoreBench(options.shrink, options.threads);
console.log(options.json ? toJson(result, options.shrink !== 1) : toTable(result, options.shrink !== 1));
