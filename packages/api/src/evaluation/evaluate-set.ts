import {
  PRUNED_SUM_SAMPLES_PER_PASS,
  PrunedEncoder,
  pruneGrid,
  pruneRanking,
  type GradiendModel,
  type ImportancePart,
  type ParamMap,
  type PruneRanking,
} from '@gradiend/core';
import type { LoadedCheckpoint } from '@gradiend/core/node';
import { rootPositions, SampleReader, type SetSource } from './sample-reader.js';

export interface EvaluateSetArgs {
  readonly set: SetSource;
  /** The pruning curve's grid, or null for the scorecard alone. */
  readonly curve: {
    readonly part: ImportancePart;
    readonly points: number;
    readonly ks: readonly number[];
  } | null;
  /** Shared memory the task counts the samples done in (element 0), for the job's progress. */
  readonly done?: Int32Array;
}

export interface EvaluateSetResult {
  readonly inputScale: number;
  readonly latentDim: number;
  readonly inputDim: number;
  /**
   * [N × latent_dim]: each sample's encoding by the version (model.encode; with a curve, its last
   * point, k = input_dim).
   */
  readonly encoded: Float64Array;
  /** The curve's k's and [ks × N × latent_dim] encodings of the version pruned to each k. */
  readonly curve: { readonly ks: number[]; readonly encoded: Float64Array } | null;
}

/** training.json's input_scale (encode's divisor), 1 when the checkpoint has none. */
export function inputScaleOf(training: unknown): number {
  const scale = (training as { input_scale?: unknown } | null)?.input_scale;
  return typeof scale === 'number' && Number.isFinite(scale) && scale > 0 ? scale : 1;
}

/**
 * Samples a curve holds at once: the pruned encode sums that many per pass over the weights and
 * ranking (task-memory.ts counts the extra samples).
 */
export const CURVE_SAMPLES_AT_ONCE = PRUNED_SUM_SAMPLES_PER_PASS;

/** Rankings kept per loaded model, most recently used last (a BERT-sized one is ~110 MB). */
const RANKINGS_PER_MODEL = 2;
const rankings = new WeakMap<GradiendModel, Map<string, PruneRanking>>();

/**
 * The pruning curve's ranking of `model` by `part` over `ks`, computed once per loaded model: the
 * worker keeps loaded models per content key, so every curve of a version on this worker (other
 * sets, other metrics) reuses it, and it goes when the model leaves the worker's cache.
 */
export function cachedPruneRanking(
  model: GradiendModel,
  part: ImportancePart,
  ks: readonly number[],
): PruneRanking {
  let perModel = rankings.get(model);
  if (!perModel) rankings.set(model, (perModel = new Map()));
  const key = `${part}:${ks.join(',')}`;
  let ranking = perModel.get(key);
  if (ranking) perModel.delete(key);
  else {
    ranking = pruneRanking(model, { part }, ks);
    if (perModel.size >= RANKINGS_PER_MODEL) perModel.delete(perModel.keys().next().value as string);
  }
  perModel.set(key, ranking);
  return ranking;
}

/**
 * Encodes every sample of a labeled set with the version (and, for a curve, with the version pruned
 * to each k of the grid: one pass per CURVE_SAMPLES_AT_ONCE samples over the ranking), reading one
 * sample at a time (a curve, that many before each pass).
 * `rootMap`: the set root's param map when it is another version (batched sets are in its space).
 */
export async function evaluateSet(
  ck: LoadedCheckpoint,
  rootMap: ParamMap | null,
  args: EvaluateSetArgs,
  signal: { throwIfAborted(): void } = { throwIfAborted: () => undefined },
): Promise<EvaluateSetResult> {
  const { model } = ck;
  const l = model.latentDim;
  const n = args.set.samples.length;
  const scale = inputScaleOf(ck.training);
  const positions =
    args.set.format === 'batched' && rootMap !== null ? rootPositions(model.paramMap, rootMap) : null;
  const group = args.curve ? CURVE_SAMPLES_AT_ONCE : 1;
  const reader = new SampleReader(
    args.set,
    model.paramMap,
    positions,
    scale,
    model.computeWeights().precision,
    group,
  );
  const encoded = new Float64Array(n * l);
  let curve: EvaluateSetResult['curve'] = null;
  let pruned: PrunedEncoder | null = null;
  let ks: number[] = [];
  if (args.curve) {
    ks = pruneGrid(model.inputDim, args.curve.points, args.curve.ks);
    pruned = new PrunedEncoder(model, cachedPruneRanking(model, args.curve.part, ks));
    curve = { ks, encoded: new Float64Array(ks.length * n * l) };
  }
  try {
    for (let first = 0; first < n; first += group) {
      const xs: (Float32Array | Float64Array)[] = [];
      for (let i = first; i < Math.min(n, first + group); i++) {
        signal.throwIfAborted();
        xs.push(await reader.read(i));
      }
      if (pruned && curve)
        pruned.encodeMany(xs).forEach((e, g) => {
          const i = first + g;
          // The grid ends at k = input_dim: its point is the version's own encoding (summed in
          // ranking order), so a curve costs no separate encode.
          for (let j = 0; j < ks.length; j++)
            for (let d = 0; d < l; d++) curve.encoded[(j * n + i) * l + d] = e[j * l + d] as number;
          encoded.set(e.subarray((ks.length - 1) * l, ks.length * l), i * l);
        });
      else xs.forEach((x, g) => encoded.set(model.encode(x), (first + g) * l));
      if (args.done) Atomics.store(args.done, 0, first + xs.length);
    }
  } finally {
    await reader.close();
  }
  return { inputScale: scale, latentDim: l, inputDim: model.inputDim, encoded, curve };
}
