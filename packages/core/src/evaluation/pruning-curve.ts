import { InputShapeError } from '../errors.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { applyActivation, applyLayerNorm1 } from '../model/activation-kernels.js';
import { SERIAL_KERNELS } from '../model/input-kernels.js';
import type { InputKernels } from '../model/input-kernels.js';
import type { FloatArray } from '../model/types.js';
import { encoderMetrics } from './encoder-metrics.js';
import type { EncodedRow, EncoderMetrics, EncoderMetricsOptions } from './encoder-metrics.js';
import { pruneGrid, pruneRanking } from './prune-ranking.js';
import { PRUNED_SUM_SAMPLES_PER_PASS } from './pruning-curve-kernels.js';
import type { PruneRanking, RankingSource } from './prune-ranking.js';

/**
 * Encodes samples as the model pruned to top-k would, for every k of a ranking at once. Pruning
 * keeps the kept dims' weights, so the pruned pre-activation is a partial sum over the ranking: one
 * pass per sample over the input dims, not one prune and encode per k.
 */
export class PrunedEncoder {
  private readonly kernels: InputKernels;

  constructor(
    readonly model: GradiendModel,
    readonly ranking: PruneRanking,
    /** The input-dimension loops (default: this thread); latent 1 uses them. */
    options: { readonly kernels?: InputKernels | undefined } = {},
  ) {
    this.kernels = options.kernels ?? SERIAL_KERNELS;
  }

  /** [ks.length × latent_dim]: row j is the encoding of `x` by the model pruned to top-ks[j]. */
  encode(x: ArrayLike<number>): FloatArray {
    return this.encodeMany([x])[0] as FloatArray;
  }

  /**
   * encode() of each sample. Latent 1 sums PRUNED_SUM_SAMPLES_PER_PASS samples per pass over the
   * weights and ranking (pass that many to gain from it); a sample's result has the same bits
   * whichever samples it is encoded with.
   */
  encodeMany(xs: readonly ArrayLike<number>[]): FloatArray[] {
    const { inputDim: n, latentDim: l } = this.model;
    for (const x of xs)
      if (x.length !== n)
        throw new InputShapeError(`Input tensor has incorrect size ${x.length}, expected ${n}`);
    const cw = this.model.computeWeights();
    // The model's encode rounds its input to the compute precision first; so do we.
    const rounded = xs.map((x): FloatArray =>
      x instanceof Float32Array || (cw.precision === 'f64' && x instanceof Float64Array)
        ? x
        : cw.precision === 'f32'
          ? Float32Array.from(x)
          : Float64Array.from(x),
    );
    const { bucket, ks } = this.ranking;
    const m = ks.length;
    const w = cw.encoderWeight;
    const acc = new Float64Array(rounded.length * (m + 1) * l);
    if (l === 1) this.kernels.prunedSums(w, rounded, bucket, m + 1, acc);
    else
      rounded.forEach((x, s) => {
        const o = s * (m + 1) * l;
        for (let i = 0; i < n; i++) {
          const b = o + (bucket[i] as number) * l;
          const xi = x[i] as number;
          for (let d = 0; d < l; d++) acc[b + d] = (acc[b + d] as number) + (w[d * n + i] as number) * xi;
        }
      });
    return rounded.map((x, s) => this.finish(x, acc.subarray(s * (m + 1) * l, (s + 1) * (m + 1) * l)));
  }

  /** The running sums over the buckets (plus prune's tie picks), bias and activation. */
  private finish(x: FloatArray, acc: Float64Array): FloatArray {
    const { inputDim: n, latentDim: l } = this.model;
    const cw = this.model.computeWeights();
    const w = cw.encoderWeight;
    const { ks, extras } = this.ranking;
    const m = ks.length;
    const out = cw.precision === 'f64' ? new Float64Array(m * l) : new Float32Array(m * l);
    const running = new Float64Array(l);
    for (let j = 0; j < m; j++) {
      const extra = extras.get(j);
      for (let d = 0; d < l; d++) {
        running[d] = (running[d] as number) + (acc[j * l + d] as number);
        let pre = running[d] as number;
        if (extra) for (const i of extra) pre += (w[d * n + i] as number) * (x[i] as number);
        out[j * l + d] = pre + (cw.encoderBias ? (cw.encoderBias[d] as number) : 0);
      }
    }
    if (cw.layerNorm) {
      if (l !== 1)
        throw new InputShapeError(
          `encoder activation 'id' is LayerNorm(1) in the reference and needs latent_dim 1, got ${l}`,
        );
      applyLayerNorm1(out, cw.layerNorm.weight, cw.layerNorm.bias, cw.layerNorm.eps);
    } else applyActivation(this.model.architecture.activationEncoder, out);
    return out;
  }
}

/** A labeled sample in the model's input space (already divided by the input scale, as encode takes it). */
export interface CurveSample extends Omit<EncodedRow, 'encoded'> {
  readonly x: ArrayLike<number>;
}

export interface PruningCurveOptions extends RankingSource {
  /** Log-spaced grid points from 1 to input_dim (default 40). */
  readonly points?: number;
  /** Further k's to include. */
  readonly ks?: readonly number[];
  readonly metrics?: EncoderMetricsOptions;
  /** The input-dimension loops of the ranking and the pruned encodes (default: this thread). */
  readonly kernels?: InputKernels;
}

export interface PruningCurvePoint {
  readonly k: number;
  /** Dims the pruned model keeps (= k). */
  readonly keptDims: number;
  /** Per sample, its latent vector at this k. */
  readonly encoded: number[][];
  readonly metrics: EncoderMetrics;
}

/**
 * The scorecard of the model pruned to every k of a grid (default ≈40 log-spaced points from 1 to
 * input_dim, plus `ks`), ties ranked as prune ranks them.
 */
export function pruningCurve(
  model: GradiendModel,
  samples: readonly CurveSample[],
  options: PruningCurveOptions = {},
): PruningCurvePoint[] {
  const ks = pruneGrid(model.inputDim, options.points ?? 40, options.ks ?? []);
  const source: RankingSource = {
    ...(options.part !== undefined ? { part: options.part } : {}),
    ...(options.importance !== undefined ? { importance: options.importance } : {}),
  };
  const kernels = { kernels: options.kernels };
  const encoder = new PrunedEncoder(model, pruneRanking(model, source, ks, kernels), kernels);
  const l = model.latentDim;
  // A group per pass of the pruned encode, so at most that many samples are rounded copies at once.
  const encodings: FloatArray[] = [];
  for (let first = 0; first < samples.length; first += PRUNED_SUM_SAMPLES_PER_PASS)
    encodings.push(
      ...encoder.encodeMany(samples.slice(first, first + PRUNED_SUM_SAMPLES_PER_PASS).map((s) => s.x)),
    );
  return ks.map((k, j) => {
    const encoded = encodings.map((e) => Array.from(e.subarray(j * l, (j + 1) * l)));
    const rows: EncodedRow[] = samples.map(({ x: _x, ...meta }, r) => ({
      ...meta,
      encoded: l === 1 ? (encoded[r]?.[0] as number) : (encoded[r] as number[]),
    }));
    return { k, keptDims: k, encoded, metrics: encoderMetrics(rows, options.metrics) };
  });
}
