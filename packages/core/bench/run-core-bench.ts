import { createKernelPool, loadCheckpoint, saveCheckpoint, sharedFloatArray } from '../src/node.js';
import type { GradiendModel, KernelPool } from '../src/node.js';
import { HwmSegments, PeakRssSampler } from './peak-rss.js';
import { ENCODE_BATCH } from './steps.js';
import { bestProbe, floorSeconds, probeFloor, stepReadBytes } from './floor-probe.js';
import type { FloorProbe } from './floor-probe.js';
import type { Step, StepSeconds } from './steps.js';
import { BENCH_SEED, buildSyntheticModel } from './synthetic-model.js';
import { Xorshift32 } from '../src/random/xorshift32.js';

export interface CoreBenchResult {
  readonly inputDim: number;
  readonly seconds: StepSeconds;
  readonly peakRssBytes: number;
  /** The peak without the benchmark's own encode batch (what the RSS target is about). */
  readonly peakRssExclBatchBytes: number;
  readonly batchBytes: number;
  /** VmHWM during each step (it includes what earlier steps left allocated). */
  readonly peakRssByStep: Partial<Record<Step, number>>;
  readonly generateSeconds: number;
  readonly checkpointDir: string;
  /** The sequential-read probe over the decoder weight, measured in this run. */
  readonly floor: FloorProbe;
  /** Each step's floor: the bytes it reads at the probe's bandwidth. */
  readonly floorSeconds: StepSeconds;
  /** Threads the pooled steps used (1 = the single-thread path). */
  readonly threads: number;
}

/** Frees the previous step's arrays between steps (never inside a timed region); needs --expose-gc. */
function collect(): void {
  globalThis.gc?.();
}

const hwm = new HwmSegments();
const peakByStep: Partial<Record<Step, number>> = {};

async function time<T>(seconds: Partial<StepSeconds>, step: Step, fn: () => T | Promise<T>): Promise<T> {
  collect();
  hwm.segment();
  const t0 = performance.now();
  const out = await fn();
  seconds[step] = (performance.now() - t0) / 1000;
  const peak = hwm.segment();
  if (peak !== null) peakByStep[step] = peak;
  return out;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark sanity check failed: ${what}`);
}

/** Generates the model (untimed) and saves it; the model is unreachable once this returns. */
async function generateAndSave(shrink: number, dir: string, seconds: Partial<StepSeconds>): Promise<number> {
  const t0 = performance.now();
  const model = buildSyntheticModel({ shrink });
  const generateSeconds = (performance.now() - t0) / 1000;
  await time(seconds, 'save', () => saveCheckpoint(dir, model));
  return generateSeconds;
}

/**
 * Importance into a reused output buffer (faulted in before the timed region), as a caller that ranks
 * often keeps one; the buffer is unreachable once this returns, so it never counts towards later steps.
 */
async function timeImportance(
  model: GradiendModel,
  pool: KernelPool,
  seconds: Partial<StepSeconds>,
): Promise<number> {
  const into = sharedFloatArray(model.inputDim).fill(0);
  return time(
    seconds,
    'importance_decoder_weight',
    () => model.importance('decoder-weight', { kernels: pool.kernels, into }).length,
  );
}

/** Each result is checked and dropped at once, so no step's arrays count towards the next step's RSS. */
async function analyse(model: GradiendModel, pool: KernelPool, seconds: Partial<StepSeconds>): Promise<void> {
  const n = model.inputDim;
  const k = Math.ceil(0.01 * n);
  const imp = await timeImportance(model, pool, seconds);
  check(imp === n, 'importance length');
  const top = await time(
    seconds,
    'topk_1pct',
    () => model.topK('decoder-weight', { fraction: 0.01 }, { kernels: pool.kernels }).length,
  );
  check(top === k, `top-k returned ${top} of ${k}`);
  const pruned = await time(
    seconds,
    'prune_topk_1pct',
    () => model.prune({ topk: { fraction: 0.01 } }, { kernels: pool.kernels }).model.inputDim,
  );
  check(pruned === k, `pruned input_dim ${pruned}, expected ${k}`);
}

/**
 * Runs every step; the checkpoint is saved to and loaded from `dir`, which the caller owns (a private
 * temp folder: the shared checkpoint other tools read is never rewritten by a benchmark run).
 */
export async function runCoreBench(shrink: number, threads: number, dir: string): Promise<CoreBenchResult> {
  const pool = await createKernelPool({ threads });
  try {
    return await runSteps(shrink, dir, pool);
  } finally {
    await pool.close();
  }
}

async function runSteps(shrink: number, dir: string, pool: KernelPool): Promise<CoreBenchResult> {
  const sampler = new PeakRssSampler(10);
  const seconds: Partial<StepSeconds> = {};
  const generateSeconds = await generateAndSave(shrink, dir, seconds);
  const { model } = await time(seconds, 'load', () => loadCheckpoint(dir, { sharedMemory: true }));
  collect();
  collect();
  const firstFloor = probeFloor(model.computeWeights().decoderWeight as Float32Array);
  await analyse(model, pool, seconds);
  const n = model.inputDim;

  collect();
  sampler.sample();
  const peakBeforeBatch = Math.max(hwm.lifetimePeak, sampler.stop().peak);
  const rows: Float32Array[] = [];
  const rng = new Xorshift32(BENCH_SEED + 1);
  // Shared rows, so the pool's workers read them in place (as a caller using the pool allocates them).
  for (let r = 0; r < ENCODE_BATCH; r++) rows.push(rng.fill(sharedFloatArray(n) as Float32Array));
  const batchBytes = rows.reduce((s, r) => s + r.byteLength, 0);
  const withBatch = new PeakRssSampler(10);

  const encoded = await time(seconds, 'encode_batch8', () =>
    model.encodeRows(rows, { kernels: pool.kernels }),
  );
  check(encoded.length === ENCODE_BATCH && encoded.every(Number.isFinite), 'encode output');
  // Forward needs one vector: free the other rows first, so its 0.4 GB output is not allocated
  // on top of the benchmark's own 3.5 GB batch.
  const first = rows[0] as Float32Array;
  rows.length = 0;
  collect();
  const decodedInto = sharedFloatArray(n).fill(0);
  const fwd = await time(seconds, 'forward_1', () =>
    model.forward(first, 1, { kernels: pool.kernels, into: decodedInto }),
  );
  check(fwd.decoded.length === n, 'forward output');

  const peakWithBatch = Math.max(hwm.lifetimePeak, withBatch.stop().peak);
  // The floor probe runs at the end, when the benchmark's own arrays are freed (best of both probes).
  collect();
  const floor = bestProbe(probeFloor(model.computeWeights().decoderWeight as Float32Array), firstFloor);
  check(Number.isFinite(floor.sum), 'floor probe sum');
  return {
    inputDim: n,
    seconds: seconds as StepSeconds,
    peakRssBytes: Math.max(peakBeforeBatch, peakWithBatch),
    peakRssExclBatchBytes: Math.max(peakBeforeBatch, peakWithBatch - batchBytes),
    batchBytes,
    peakRssByStep: peakByStep,
    generateSeconds,
    checkpointDir: dir,
    floor,
    floorSeconds: floorSeconds(floor, stepReadBytes(model)),
    threads: pool.threads,
  };
}
