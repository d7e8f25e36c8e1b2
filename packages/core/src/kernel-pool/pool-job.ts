import type { applyActivationRange } from '../model/activation-kernels.js';
import type { columnAbsSumRange, rowAbsSumRange } from '../model/importance-kernels.js';
import type { decodeLinearRange, encodeChunkPartials } from '../model/linear-kernels.js';
import type { bandScanRange } from '../model/topk/radix-select-f32.js';
import type { rankHistogramRange, rankSettleRange } from '../evaluation/prune-ranking-kernels.js';
import type { prunedSumsRange } from '../evaluation/pruning-curve-kernels.js';
import type { ActivationName } from '../model/activation.js';
import type { FloatArray } from '../model/types.js';

/** One kernel call, split into units that the pool's threads claim one at a time. */
export type PoolJob =
  | { readonly kind: 'row-abs'; readonly weight: FloatArray; readonly cols: number; readonly out: FloatArray }
  | {
      readonly kind: 'column-abs';
      readonly weight: FloatArray;
      readonly rows: number;
      readonly out: FloatArray;
    }
  | {
      readonly kind: 'encode';
      readonly weight: FloatArray;
      readonly latentDim: number;
      readonly inputDim: number;
      readonly rows: readonly FloatArray[];
      /** [chunk][latent][row] partial sums, combined in chunk order by the caller. */
      readonly partials: Float64Array;
      readonly chunk: number;
    }
  | {
      readonly kind: 'decode';
      readonly weight: FloatArray;
      readonly bias: FloatArray | null;
      readonly latentDim: number;
      readonly inputDim: number;
      readonly latent: FloatArray;
      readonly batch: number;
      readonly activation: ActivationName;
      readonly out: FloatArray;
    }
  | {
      readonly kind: 'band-scan';
      readonly bits: Int32Array;
      readonly mask: number;
      readonly lower: number;
      readonly upper: number;
      /** Contiguous ranges of bits (a count independent of the thread count). */
      readonly units: number;
      readonly aboveCap: number;
      readonly candCap: number;
      /** Per thread t, lists at t·aboveCap / t·candCap that its units append to. */
      readonly above: Int32Array;
      readonly aboveKeys: Uint32Array;
      readonly cand: Int32Array;
      readonly candKeys: Uint32Array;
      /** Per thread: entries used in its above and cand lists. */
      readonly used: Int32Array;
      /** Per unit u: [2u], [2u + 1] = entries found (past the cap = overflow). */
      readonly counts: Int32Array;
      /** Per unit u: [2u], [2u + 1] = where its above and cand entries start. */
      readonly offsets: Int32Array;
    }
  | {
      readonly kind: 'rank-histogram';
      readonly bits: Int32Array;
      readonly mask: number;
      readonly units: number;
      /** Per thread t: its coarse histogram at 2t·2^20 and its zeroed scratch after it. */
      readonly hists: Uint32Array;
    }
  | {
      readonly kind: 'rank-settle';
      readonly bits: Int32Array;
      readonly mask: number;
      readonly units: number;
      /** The grid point per coarse bin, and the threshold bins (rankSettleRange). */
      readonly grid: Uint8Array | Uint16Array;
      readonly slotBins: Int32Array;
      readonly bucket: Uint8Array | Uint16Array;
      /** Per thread t, the list its units append to at t·cap (cap: all candidates, so it never overflows). */
      readonly cand: Int32Array;
      readonly candKeys: Uint32Array;
      readonly cap: number;
      /** Per thread: entries used in its list. */
      readonly used: Int32Array;
      /** Per unit: entries found and where they start. */
      readonly counts: Int32Array;
      readonly offsets: Int32Array;
      /** Per thread t, its fine counts at t·fineSize. */
      readonly fine: Uint32Array;
      readonly fineSize: number;
    }
  | {
      readonly kind: 'pruned-sums';
      readonly weight: FloatArray;
      readonly xs: readonly FloatArray[];
      readonly bucket: Uint8Array | Uint16Array;
      readonly stride: number;
      /** [range][sample][bucket] sums, combined in range order by the caller. */
      readonly partials: Float64Array;
      readonly range: number;
    };

/**
 * The kernels a job runs (passed in, so runPoolJob's source text is self-contained), typed by the
 * functions themselves (type-only imports: nothing is loaded).
 */
export interface PoolKernels {
  rowAbsSumRange: typeof rowAbsSumRange;
  columnAbsSumRange: typeof columnAbsSumRange;
  encodeChunkPartials: typeof encodeChunkPartials;
  decodeLinearRange: typeof decodeLinearRange;
  applyActivationRange: typeof applyActivationRange;
  bandScanRange: typeof bandScanRange;
  rankHistogramRange: typeof rankHistogramRange;
  rankSettleRange: typeof rankSettleRange;
  prunedSumsRange: typeof prunedSumsRange;
}

/** Control words of a job: the next unclaimed unit, threads done, and a failure flag. */
export const CTL_NEXT = 0;
export const CTL_DONE = 1;
export const CTL_FAILED = 2;

/**
 * Claims units of `job` (Atomics.add on ctl[CTL_NEXT]) and runs them until none is left. Every
 * thread of the pool, the caller's included, runs this; a unit's result never depends on which
 * thread ran it. Self-contained: the workers run its source text.
 */
export function runPoolJob(job: PoolJob, ctl: Int32Array, k: PoolKernels, thread: number): void {
  // Elements per unit of the element-wise jobs; encode units are `chunk` input positions.
  const grain = 65536;
  const n =
    job.kind === 'row-abs' || job.kind === 'column-abs'
      ? job.out.length
      : job.kind === 'band-scan' || job.kind === 'rank-histogram' || job.kind === 'rank-settle'
        ? job.bits.length
        : job.kind === 'pruned-sums'
          ? job.bucket.length
          : job.inputDim;
  const ranged = job.kind === 'band-scan' || job.kind === 'rank-histogram' || job.kind === 'rank-settle';
  const size =
    job.kind === 'encode'
      ? job.chunk
      : job.kind === 'pruned-sums'
        ? job.range
        : ranged
          ? // A multiple of 64, so every unit starts word-aligned (rankSettleRange stores 4 buckets per word).
            Math.ceil(n / job.units / 64) * 64
          : grain;
  const units = ranged ? job.units : Math.max(1, Math.ceil(n / size));
  for (;;) {
    const u = Atomics.add(ctl, 0, 1);
    if (u >= units) return;
    const start = u * size;
    const end = Math.min(n, start + size);
    switch (job.kind) {
      case 'row-abs':
        k.rowAbsSumRange(job.weight, job.cols, job.out, start, end);
        break;
      case 'column-abs':
        k.columnAbsSumRange(job.weight, job.rows, n, job.out, start, end);
        break;
      case 'encode':
        k.encodeChunkPartials(
          job.weight,
          job.latentDim,
          job.inputDim,
          job.rows,
          start,
          end - start,
          job.partials,
          u * job.latentDim * job.rows.length,
        );
        break;
      case 'decode':
        k.decodeLinearRange(
          job.weight,
          job.bias,
          job.latentDim,
          job.inputDim,
          job.latent,
          job.batch,
          job.out,
          start,
          end,
        );
        if (job.activation !== 'id') {
          for (let r = 0; r < job.batch; r++)
            k.applyActivationRange(job.activation, job.out, r * n + start, r * n + end);
        }
        break;
      case 'band-scan': {
        const aUsed = job.used[2 * thread] as number;
        const cUsed = job.used[2 * thread + 1] as number;
        // A thread past a cap has already made the scan overflow: skip the rest of its units.
        if (aUsed > job.aboveCap || cUsed > job.candCap) break;
        const aOff = thread * job.aboveCap + aUsed;
        const cOff = thread * job.candCap + cUsed;
        k.bandScanRange(
          job.bits,
          job.mask,
          job.lower,
          job.upper,
          Math.min(n, start),
          end,
          job.above,
          job.aboveKeys,
          aOff,
          job.aboveCap - aUsed,
          job.cand,
          job.candKeys,
          cOff,
          job.candCap - cUsed,
          job.counts,
          u,
        );
        job.offsets[2 * u] = aOff;
        job.offsets[2 * u + 1] = cOff;
        job.used[2 * thread] = aUsed + (job.counts[2 * u] as number);
        job.used[2 * thread + 1] = cUsed + (job.counts[2 * u + 1] as number);
        break;
      }
      case 'rank-histogram': {
        const h = 2 * thread * 1048576;
        k.rankHistogramRange(
          job.bits,
          job.mask,
          Math.min(n, start),
          end,
          job.hists.subarray(h, h + 1048576),
          job.hists.subarray(h + 1048576, h + 2097152),
        );
        break;
      }
      case 'rank-settle': {
        const off = thread * job.cap + (job.used[thread] as number);
        const f = thread * job.fineSize;
        const found = k.rankSettleRange(
          job.bits,
          job.mask,
          Math.min(n, start),
          end,
          job.grid,
          job.slotBins,
          job.bucket,
          job.cand,
          job.candKeys,
          off,
          job.fine.subarray(f, f + job.fineSize),
        );
        job.counts[u] = found;
        job.offsets[u] = off;
        job.used[thread] = (job.used[thread] as number) + found;
        break;
      }
      case 'pruned-sums':
        k.prunedSumsRange(
          job.weight,
          job.xs,
          job.bucket,
          job.stride,
          start,
          end,
          job.partials,
          u * job.xs.length * job.stride,
        );
        break;
    }
  }
}
