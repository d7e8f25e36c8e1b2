import { applyActivation } from './activation-kernels.js';
import { columnAbsSum, rowAbsSum } from './importance-kernels.js';
import { decodeLinear, encodeLinear } from './linear-kernels.js';
import type { ActivationName } from './activation.js';
import type { FloatArray } from './types.js';
import { serialBandScan } from './topk/radix-select-f32.js';
import type { BandScan } from './topk/radix-select-f32.js';
import { rankHistogram, rankSettle } from '../evaluation/prune-ranking-kernels.js';
import type { RankSettled } from '../evaluation/prune-ranking-kernels.js';
import { prunedSums } from '../evaluation/pruning-curve-kernels.js';

/**
 * The loops over the input dimension that encode, decode and importance run. The default runs them
 * on the calling thread; the node kernel pool (createKernelPool) supplies threaded ones that return
 * the same bits for any thread count.
 */
export interface InputKernels {
  encodeLinear(
    weight: FloatArray,
    bias: FloatArray | null,
    latentDim: number,
    inputDim: number,
    rows: readonly FloatArray[],
    out: FloatArray,
  ): void;
  /** decodeLinear followed by the decoder activation, in place on `out`. */
  decodeActivated(
    weight: FloatArray,
    bias: FloatArray | null,
    latentDim: number,
    inputDim: number,
    latent: FloatArray,
    batch: number,
    activation: ActivationName,
    out: FloatArray,
  ): void;
  rowAbsSum(weight: FloatArray, rows: number, cols: number, out: FloatArray): void;
  columnAbsSum(weight: FloatArray, rows: number, cols: number, out: FloatArray): void;
  /** The scan of the large float32 top-k select. */
  bandScan: BandScan;
  /** The coarse histogram of the large float32 prune ranking (evaluation/prune-ranking-kernels.ts). */
  rankHistogram(scores: Float32Array, mask: number): Uint32Array;
  /** The prune ranking's second pass: settled dims' buckets, the threshold bins' dims listed. */
  rankSettle(
    scores: Float32Array,
    mask: number,
    grid: Uint8Array | Uint16Array,
    slotBins: Int32Array,
    bucket: Uint8Array | Uint16Array,
    candidateCount: number,
  ): RankSettled;
  /**
   * out[s·stride + b] = Σ w[i]·xs[s][i] over the dims of bucket b: the pruned encode's pass
   * (latent 1), four samples per pass over the weights where it can.
   */
  prunedSums(
    weight: FloatArray,
    xs: readonly FloatArray[],
    bucket: Uint8Array | Uint16Array,
    stride: number,
    out: Float64Array,
  ): void;
}

export const SERIAL_KERNELS: InputKernels = {
  encodeLinear,
  decodeActivated(weight, bias, latentDim, inputDim, latent, batch, activation, out) {
    decodeLinear(weight, bias, latentDim, inputDim, latent, batch, out);
    applyActivation(activation, out);
  },
  rowAbsSum,
  columnAbsSum,
  bandScan: serialBandScan,
  rankHistogram,
  rankSettle,
  prunedSums,
};
