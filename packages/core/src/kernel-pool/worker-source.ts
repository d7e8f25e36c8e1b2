import { activationFunction, applyActivationRange, erf } from '../model/activation-kernels.js';
import { absRange, columnAbsSumRange, rowAbsSumRange } from '../model/importance-kernels.js';
import { decodeLinearRange, dot, dotFourRows, encodeChunkPartials } from '../model/linear-kernels.js';
import { bandScanRange, key } from '../model/topk/radix-select-f32.js';
import {
  rankHistogramRange,
  rankKey,
  rankSettleRange,
  thresholdSlot,
} from '../evaluation/prune-ranking-kernels.js';
import {
  finishSampleLanes,
  fourSampleSumsRange,
  prunedSumsRange,
  sampleSumsRange,
} from '../evaluation/pruning-curve-kernels.js';
import { runPoolJob } from './pool-job.js';

/**
 * The functions a worker defines, by the names their bodies call each other by. The worker runs
 * their source text, so the threads compute with the very code the calling thread runs.
 */
const WORKER_FUNCTIONS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  erf,
  activationFunction,
  applyActivationRange,
  dot,
  dotFourRows,
  encodeChunkPartials,
  decodeLinearRange,
  absRange,
  rowAbsSumRange,
  columnAbsSumRange,
  key,
  bandScanRange,
  rankKey,
  thresholdSlot,
  rankHistogramRange,
  rankSettleRange,
  finishSampleLanes,
  sampleSumsRange,
  fourSampleSumsRange,
  prunedSumsRange,
  runPoolJob,
};

/** Jobs over at least this many bytes of arrays are followed by a GC in the worker. */
export const LARGE_JOB_BYTES = 1 << 24;

/** The worker's script (CommonJS, run with `eval: true`). */
export function kernelWorkerSource(): string {
  const definitions = Object.entries(WORKER_FUNCTIONS).map(([name, f]) => {
    const text = f.toString();
    // A function's text starts with `function name(`; anything else (a bundler's rename) is refused.
    if (!text.startsWith(`function ${name}(`)) {
      throw new Error(`kernel pool: cannot take the source of '${name}' (${text.slice(0, 40)}…)`);
    }
    return text;
  });
  return [
    "'use strict';",
    // esbuild (tsx, vitest) may wrap functions in __name(…) to keep their names.
    'const __name = (f) => f;',
    ...definitions,
    'const kernels = { rowAbsSumRange, columnAbsSumRange, encodeChunkPartials, decodeLinearRange, applyActivationRange, bandScanRange, rankHistogramRange, rankSettleRange, prunedSumsRange };',
    "const { parentPort } = require('node:worker_threads');",
    // A worker allocates almost nothing, so its GC could take very long to drop the job's
    // SharedArrayBuffers, keeping GBs of freed inputs alive: collect after each large job.
    "require('node:v8').setFlagsFromString('--expose-gc');",
    "const collect = require('node:vm').runInNewContext('gc');",
    `const LARGE_JOB_BYTES = ${LARGE_JOB_BYTES};`,
    'function jobBytes(job) {',
    '  let bytes = 0;',
    '  for (const v of Object.values(job)) {',
    '    if (ArrayBuffer.isView(v)) bytes += v.byteLength;',
    '    else if (Array.isArray(v)) for (const r of v) bytes += r.byteLength;',
    '  }',
    '  return bytes;',
    '}',
    'parentPort.on("message", (message) => {',
    '  const ctl = message.ctl;',
    '  try {',
    '    runPoolJob(message.job, ctl, kernels, message.thread);',
    '  } catch (error) {',
    '    Atomics.store(ctl, 2, 1);',
    '    console.error(error);',
    '  }',
    '  const large = jobBytes(message.job) >= LARGE_JOB_BYTES;',
    '  Atomics.add(ctl, 1, 1);',
    '  Atomics.notify(ctl, 1);',
    // After the handler returns, so the message is no longer on the stack.
    '  if (large) setImmediate(collect);',
    '});',
  ].join('\n');
}
