// Writes the synthetic BERT-base GRADIEND checkpoint to its temp folder (e.g. for the CLI).
// Usage: tsx packages/core/bench/generate-checkpoint.ts [--small]
import { ensureSyntheticCheckpoint } from './ensure-checkpoint.js';
import { SMALL_SHRINK } from './bench-options.js';

const shrink = process.argv.includes('--small') ? SMALL_SHRINK : 1;
const { dir, reused } = await ensureSyntheticCheckpoint(shrink);
console.log(`${reused ? 'reused' : 'wrote'} ${dir}`);
