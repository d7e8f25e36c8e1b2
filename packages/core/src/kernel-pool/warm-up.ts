import type { InputKernels } from '../model/input-kernels.js';
import { pickTop, sortByKeysDescending } from '../model/topk/keyed-lists.js';
import { key } from '../model/topk/radix-select-f32.js';
import { sharedFloatArray } from './shared-arrays.js';

/** Length of the warm-up arrays: a few pool units (grain 2^16), so every thread runs each kernel. */
const WARM_LENGTH = 1 << 18;
/** Calls per kernel: enough for V8 to optimise the loops before the first real call (measured). */
const WARM_ROUNDS = 12;
/**
 * Calls of the prune ranking's passes and the pruned encode: fewer, as each ranking call also
 * clears and adds 2^20-bin histograms per unit (~10 ms); 3 take the pool's first BERT-scale
 * ranking from ~0.7 s to its later ~0.4 s (measured with pnpm bench evaluation).
 */
const WARM_RANK_ROUNDS = 3;

/**
 * Runs the pool's input-dimension kernels (encode, decode, importance, the top-k band scan, the
 * prune ranking's two passes and the pruned encode) and the calling thread's top-k list steps on
 * small arrays, so that V8 has compiled them before a caller's first real call: on BERT-sized inputs
 * that first call otherwise spends ~30–100 ms in unoptimised code (measured with
 * packages/core/bench). Results are thrown away; nothing is cached.
 */
export function warmUpKernels(kernels: InputKernels): void {
  const n = WARM_LENGTH;
  const w = sharedFloatArray(n) as Float32Array;
  const x = sharedFloatArray(n) as Float32Array;
  // Varied values, so the band scan both skips blocks and collects entries.
  for (let i = 0; i < n; i++) {
    w[i] = Math.sin(i) * 0.1;
    x[i] = Math.cos(i) * 0.1;
  }
  const out = sharedFloatArray(n);
  const latent = sharedFloatArray(1).fill(0.5);
  const sums = sharedFloatArray(n);
  const bits = new Int32Array(w.buffer);
  // The band: order keys of |x| in [0.05, 0.09].
  const keyOf = (v: number): number => key(new Int32Array(Float32Array.of(v).buffer)[0] as number);
  const indices = Int32Array.from({ length: n }, (_, i) => i);
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = key((bits[i] as number) & 0x7fffffff);
  for (let r = 0; r < WARM_ROUNDS; r++) {
    kernels.encodeLinear(w, null, 1, n, [x], new Float32Array(1));
    kernels.decodeActivated(w, x, 1, n, latent, 1, 'id', out);
    kernels.rowAbsSum(w, n, 1, sums);
    kernels.columnAbsSum(w, 1, n, sums);
    kernels.bandScan(bits, 0x7fffffff, keyOf(0.05), keyOf(0.09), n, n);
    sortByKeysDescending(pickTop([{ indices, keys }], n >> 4));
  }
  // A table with one threshold bin (0.05's, slot 0) and grid points 0 below it, 1 above: any
  // values do for compiling, as long as some dims are listed.
  const grid = new Uint8Array(1 << 20);
  const thresholdBin = keyOf(0.05) >>> 12;
  grid.fill(1, thresholdBin + 1);
  grid[thresholdBin] = 0xff;
  const bucket = new Uint8Array(new SharedArrayBuffer(n));
  const candidates = kernels.rankHistogram(w, 0x7fffffff)[thresholdBin] as number;
  // Buckets below the stride: an index past the sums would teach V8's compiled loop the slow
  // out-of-bounds path (measured: pooled pruned encodes 4× slower after such a warm-up).
  const stride = 41;
  const sumBucket = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) sumBucket[i] = i % stride;
  for (let r = 0; r < WARM_RANK_ROUNDS; r++) {
    kernels.rankHistogram(w, 0x7fffffff);
    kernels.rankSettle(w, 0x7fffffff, grid, Int32Array.of(thresholdBin), bucket, candidates);
    kernels.prunedSums(w, [x, x, x, x, x], sumBucket, stride, new Float64Array(5 * stride));
  }
}
