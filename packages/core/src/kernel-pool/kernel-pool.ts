import { once } from 'node:events';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { applyActivationRange } from '../model/activation-kernels.js';
import { columnAbsSumRange, rowAbsSumRange } from '../model/importance-kernels.js';
import type { InputKernels } from '../model/input-kernels.js';
import {
  ENCODE_CHUNK,
  combineEncodePartials,
  decodeLinearRange,
  encodeChunkPartials,
  encodeChunks,
} from '../model/linear-kernels.js';
import type { FloatArray } from '../model/types.js';
import { bandScanRange } from '../model/topk/radix-select-f32.js';
import type { BandScanResult } from '../model/topk/radix-select-f32.js';
import type { KeyedList } from '../model/topk/keyed-lists.js';
import {
  RANK_COARSE_BINS,
  RANK_FINE_KEYS,
  rankHistogram,
  rankHistogramRange,
  rankSettle,
  rankSettleRange,
  scoreBits,
} from '../evaluation/prune-ranking-kernels.js';
import type { RankSettled } from '../evaluation/prune-ranking-kernels.js';
import {
  PRUNED_SUM_RANGE,
  combinePrunedPartials,
  prunedSumRanges,
  prunedSums,
  prunedSumsRange,
} from '../evaluation/pruning-curve-kernels.js';
import { CTL_DONE, CTL_FAILED, CTL_NEXT, runPoolJob } from './pool-job.js';
import type { PoolJob, PoolKernels } from './pool-job.js';
import { isShared, sharedCopy } from './shared-arrays.js';
import { kernelWorkerSource } from './worker-source.js';
import { warmUpKernels } from './warm-up.js';

export interface KernelPoolOptions {
  /** Threads including the caller's (default os.availableParallelism()); 1 starts no worker. */
  readonly threads?: number;
  /**
   * Run every kernel on small arrays before returning (default true; 0.1–0.2 s on a 2-core
   * machine), so the first real call does not wait for V8 to optimise them.
   */
  readonly warmUp?: boolean;
}

/**
 * A persistent pool of worker threads for the input-dimension loops of GradiendModel (encode,
 * decode/forward, importance, and the scan of a large float32 top-k / prune): pass `pool.kernels`
 * as the `kernels` option, e.g. `model.importance('decoder-weight', { kernels: pool.kernels, into })`,
 * `model.topK(part, spec, { kernels })`, `model.prune(options, { kernels })`. Calls stay synchronous:
 * the calling thread takes its share of the work, then waits for the workers (Atomics.wait).
 * Results are bit-identical to the single-thread path for any thread count.
 *
 * Arrays on a SharedArrayBuffer (sharedFloatArray, loadCheckpoint with `sharedMemory`) are used in
 * place. Others are copied to shared memory: weights once (cached while the array lives), inputs and
 * `into` outputs on every call — allocate those shared on hot paths. Workers run a GC after each job
 * over ≥ 16 MB, so they do not keep freed inputs alive.
 */
export interface KernelPool {
  readonly threads: number;
  readonly kernels: InputKernels;
  /** Stops the workers; the pool must not be used afterwards. */
  close(): Promise<void>;
}

/** Values per range of the pooled top-k band scan. */
const BAND_SCAN_RANGE = 1 << 20;

/**
 * Values per range of the pooled prune-ranking passes (each histogram range also sweeps 2^20 bins),
 * but at least RANK_UNITS_PER_THREAD ranges per thread. Their results are counts and ordered
 * lists, so the range count does not change them.
 */
const RANK_RANGE = 1 << 23;
const RANK_UNITS_PER_THREAD = 4;

/**
 * Bytes of per-thread candidate lists above which the ranking's second pass stays on this thread:
 * each thread's list must hold all candidates, which for a ranking of mostly tied scores is ~n.
 */
const MAX_RANK_LIST_BYTES = 1 << 28;

const LOCAL_KERNELS: PoolKernels = {
  rowAbsSumRange,
  columnAbsSumRange,
  encodeChunkPartials,
  decodeLinearRange,
  applyActivationRange,
  bandScanRange,
  rankHistogramRange,
  rankSettleRange,
  prunedSumsRange,
};

/** Starts `threads - 1` workers and waits until they are online. */
export async function createKernelPool(options: KernelPoolOptions = {}): Promise<KernelPool> {
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }
  const source = threads > 1 ? kernelWorkerSource() : '';
  const workers: Worker[] = [];
  for (let i = 1; i < threads; i++) workers.push(new Worker(source, { eval: true }));
  await Promise.all(workers.map((w) => once(w, 'online')));
  for (const w of workers) w.unref();
  const pool = new PooledKernels(threads, workers);
  // A worker that died (it only can between jobs: a job's errors are caught) leaves the pool, so
  // the next job does not wait for it; its units are claimed by the others.
  for (const w of workers) w.once('exit', () => pool.forget(w));
  if (options.warmUp ?? true) warmUpKernels(pool.kernels);
  return pool;
}

class PooledKernels implements KernelPool {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(3 * 4));
  /** Shared copies of weights that were not on shared memory, kept while the original lives. */
  private readonly sharedWeights = new WeakMap<FloatArray, FloatArray>();
  /** Likewise for ranking buckets (pruneRanking allocates them shared when given the pool's kernels). */
  private readonly sharedBuckets = new WeakMap<Uint8Array | Uint16Array, Uint8Array | Uint16Array>();
  private closed = false;
  readonly kernels: InputKernels;

  constructor(
    readonly threads: number,
    private readonly workers: Worker[],
  ) {
    this.kernels = {
      rowAbsSum: (weight, _rows, cols, out) =>
        this.intoShared(out, (o) => this.run({ kind: 'row-abs', weight: this.weight(weight), cols, out: o })),
      columnAbsSum: (weight, rows, _cols, out) =>
        this.intoShared(out, (o) =>
          this.run({ kind: 'column-abs', weight: this.weight(weight), rows, out: o }),
        ),
      encodeLinear: (weight, bias, latentDim, inputDim, rows, out) => {
        const chunks = encodeChunks(inputDim);
        const partials = new Float64Array(new SharedArrayBuffer(chunks * latentDim * rows.length * 8));
        this.run({
          kind: 'encode',
          weight: this.weight(weight),
          latentDim,
          inputDim,
          rows: rows.map((r) => this.input(r)),
          partials,
          chunk: ENCODE_CHUNK,
        });
        combineEncodePartials(partials, chunks, bias, latentDim, rows.length, out);
      },
      bandScan: (bits, mask, lower, upper, aboveCap, candCap) =>
        this.bandScan(bits, mask, lower, upper, aboveCap, candCap),
      rankHistogram: (scores, mask) => this.rankHistogram(scores, mask),
      rankSettle: (scores, mask, grid, slotBins, bucket, candidateCount) =>
        this.rankSettle(scores, mask, grid, slotBins, bucket, candidateCount),
      prunedSums: (weight, xs, bucket, stride, out) => {
        if (this.workers.length === 0) {
          prunedSums(weight, xs, bucket, stride, out);
          return;
        }
        const ranges = prunedSumRanges(bucket.length);
        const width = xs.length * stride;
        const partials = new Float64Array(new SharedArrayBuffer(ranges * width * 8));
        this.run({
          kind: 'pruned-sums',
          weight: this.weight(weight),
          xs: xs.map((x) => this.input(x)),
          bucket: this.bucket(bucket),
          stride,
          partials,
          range: PRUNED_SUM_RANGE,
        });
        combinePrunedPartials(partials, ranges, width, out);
      },
      decodeActivated: (weight, bias, latentDim, inputDim, latent, batch, activation, out) =>
        this.intoShared(out, (o) =>
          this.run({
            kind: 'decode',
            weight: this.weight(weight),
            bias: bias && this.weight(bias),
            latentDim,
            inputDim,
            latent: this.input(latent),
            batch,
            activation,
            out: o,
          }),
        ),
    };
  }

  /** Drops a worker that exited. */
  forget(worker: Worker): void {
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Runs a job on every thread, this one included, and waits for all of them. */
  private run(job: PoolJob): void {
    if (this.closed) throw new Error('the kernel pool is closed');
    const ctl = this.ctl;
    Atomics.store(ctl, CTL_NEXT, 0);
    Atomics.store(ctl, CTL_DONE, 0);
    Atomics.store(ctl, CTL_FAILED, 0);
    this.workers.forEach((w, i) => w.postMessage({ job, ctl, thread: i + 1 }));
    runPoolJob(job, ctl, LOCAL_KERNELS, 0);
    for (;;) {
      const done = Atomics.load(ctl, CTL_DONE);
      if (done >= this.workers.length) break;
      Atomics.wait(ctl, CTL_DONE, done);
    }
    if (Atomics.load(ctl, CTL_FAILED) !== 0) throw new Error('a kernel pool worker failed (see stderr)');
  }

  /**
   * Ranges of BAND_SCAN_RANGE values claimed by the threads, each appending to its own lists; the
   * ranges' entries are joined in range order (ascending indices), so any thread count gives the
   * single-thread lists, and an overflow anywhere is an overflow of the whole scan.
   */
  private bandScan(
    bits: Int32Array,
    mask: number,
    lower: number,
    upper: number,
    aboveCap: number,
    candCap: number,
  ): BandScanResult | null {
    const threads = this.workers.length + 1;
    const units = Math.max(1, Math.ceil(bits.length / BAND_SCAN_RANGE));
    const ints = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));
    const job = {
      kind: 'band-scan',
      // Copied per call unless shared (ranked values are usually a shared weight tensor).
      bits: threads === 1 || bits.buffer instanceof SharedArrayBuffer ? bits : sharedCopyOf(bits),
      mask,
      lower,
      upper,
      units,
      aboveCap,
      candCap,
      above: ints(threads * aboveCap),
      aboveKeys: new Uint32Array(new SharedArrayBuffer(threads * aboveCap * 4)),
      cand: ints(threads * candCap),
      candKeys: new Uint32Array(new SharedArrayBuffer(threads * candCap * 4)),
      used: ints(2 * threads),
      counts: ints(2 * units),
      offsets: ints(2 * units),
    } as const;
    this.run(job);
    let a = 0;
    let c = 0;
    for (let u = 0; u < units; u++) {
      a += job.counts[2 * u] as number;
      c += job.counts[2 * u + 1] as number;
    }
    if (a > aboveCap || c > candCap) return null;
    // Each range's entries, viewed in place (no copy: the lists are read once, by the select).
    const part = (indices: Int32Array, keys: Uint32Array, off: number, count: number): KeyedList => ({
      indices: indices.subarray(off, off + count),
      keys: keys.subarray(off, off + count),
    });
    const above: KeyedList[] = [];
    const cand: KeyedList[] = [];
    for (let u = 0; u < units; u++) {
      above.push(part(job.above, job.aboveKeys, job.offsets[2 * u] as number, job.counts[2 * u] as number));
      cand.push(
        part(job.cand, job.candKeys, job.offsets[2 * u + 1] as number, job.counts[2 * u + 1] as number),
      );
    }
    return { above, cand };
  }

  /** Per-thread coarse histograms over ranges of RANK_RANGE, added up (counts: any order gives the same). */
  private rankHistogram(scores: Float32Array, mask: number): Uint32Array {
    const threads = this.workers.length + 1;
    if (threads === 1) return rankHistogram(scores, mask);
    const bits = this.scoreBits(scores);
    const hists = new Uint32Array(new SharedArrayBuffer(threads * 2 * RANK_COARSE_BINS * 4));
    this.run({
      kind: 'rank-histogram',
      bits,
      mask,
      units: this.rankUnits(bits.length),
      hists,
    });
    const hist = hists.slice(0, RANK_COARSE_BINS);
    for (let t = 1; t < threads; t++) {
      const off = 2 * t * RANK_COARSE_BINS;
      for (let b = 0; b < RANK_COARSE_BINS; b++) hist[b] = (hist[b] as number) + (hists[off + b] as number);
    }
    return hist;
  }

  /**
   * Ranges of RANK_RANGE claimed by the threads, each appending its threshold-bin dims to its own
   * list; the ranges' lists are joined in range order (ascending indices, as the serial pass lists
   * them) and the per-thread fine counts added up.
   */
  private rankSettle(
    scores: Float32Array,
    mask: number,
    grid: Uint8Array | Uint16Array,
    slotBins: Int32Array,
    bucket: Uint8Array | Uint16Array,
    candidateCount: number,
  ): RankSettled {
    const threads = this.workers.length + 1;
    if (threads === 1 || threads * candidateCount * 8 > MAX_RANK_LIST_BYTES || !isSharedView(bucket))
      return rankSettle(scores, mask, grid, slotBins, bucket, candidateCount);
    const bits = this.scoreBits(scores);
    const units = this.rankUnits(bits.length);
    const fineSize = slotBins.length * RANK_FINE_KEYS;
    const ints = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));
    const job = {
      kind: 'rank-settle',
      bits,
      mask,
      units,
      grid: sharedCopyOf(grid),
      slotBins: sharedCopyOf(slotBins),
      bucket,
      cand: ints(threads * candidateCount),
      candKeys: new Uint32Array(new SharedArrayBuffer(threads * candidateCount * 4)),
      cap: candidateCount,
      used: ints(threads),
      counts: ints(units),
      offsets: ints(units),
      fine: new Uint32Array(new SharedArrayBuffer(threads * fineSize * 4)),
      fineSize,
    } as const;
    this.run(job);
    const candidates = new Int32Array(candidateCount);
    const candKeys = new Uint32Array(candidateCount);
    let c = 0;
    for (let u = 0; u < units; u++) {
      const count = job.counts[u] as number;
      const off = job.offsets[u] as number;
      candidates.set(job.cand.subarray(off, off + count), c);
      candKeys.set(job.candKeys.subarray(off, off + count), c);
      c += count;
    }
    const fine = job.fine.slice(0, fineSize);
    for (let t = 1; t < threads; t++)
      for (let f = 0; f < fineSize; f++)
        fine[f] = (fine[f] as number) + (job.fine[t * fineSize + f] as number);
    return { candidates, candKeys, fine };
  }

  private rankUnits(n: number): number {
    return Math.max(Math.ceil(n / RANK_RANGE), RANK_UNITS_PER_THREAD * (this.workers.length + 1));
  }

  /** Ranked scores' bits in shared memory: in place, or a shared copy kept while the scores live. */
  private scoreBits(scores: Float32Array): Int32Array {
    return scoreBits(this.weight(scores) as Float32Array);
  }

  private bucket(b: Uint8Array | Uint16Array): Uint8Array | Uint16Array {
    if (isSharedView(b)) return b;
    let copy = this.sharedBuckets.get(b);
    if (copy === undefined) {
      copy =
        b instanceof Uint8Array
          ? new Uint8Array(new SharedArrayBuffer(b.length))
          : new Uint16Array(new SharedArrayBuffer(b.byteLength));
      copy.set(b);
      this.sharedBuckets.set(b, copy);
    }
    return copy;
  }

  private weight(a: FloatArray): FloatArray {
    if (this.workers.length === 0 || isShared(a)) return a;
    let copy = this.sharedWeights.get(a);
    if (copy === undefined) {
      copy = sharedCopy(a);
      this.sharedWeights.set(a, copy);
    }
    return copy;
  }

  private input(a: FloatArray): FloatArray {
    return this.workers.length === 0 ? a : sharedCopy(a);
  }

  /** Runs `fn` on `out` when shared (or no workers), else on a shared scratch copied to `out`. */
  private intoShared(out: FloatArray, fn: (o: FloatArray) => void): void {
    if (this.workers.length === 0 || isShared(out)) {
      fn(out);
      return;
    }
    const scratch = sharedCopy(out);
    fn(scratch);
    out.set(scratch);
  }
}

function isSharedView(a: ArrayBufferView): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/** A copy of a small table on shared memory, of the same type. */
function sharedCopyOf<T extends Uint8Array | Uint16Array | Int32Array>(a: T): T {
  const Type = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Type(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}
