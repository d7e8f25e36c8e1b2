import { ComparisonError } from '../errors.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import type { TopKSpec } from '../model/prune-arguments.js';
import {
  asComparisonError,
  assertSameBaseSpace,
  blocksOf,
  selectedLocals,
  selectionView,
  squaredNorm,
} from './model-coordinates.js';
import { cosine, rankInfo, sparseSpearman } from './pair-measures.js';
import type { RankInfo, VectorSide } from './pair-measures.js';
import { aggregateSeedScores, validateAggregation } from './seed-aggregation.js';
import type { CellStats, Dispersion, SeedAggregate } from './seed-aggregation.js';
import { forEachShared, subsetView } from './selection-view.js';
import type { SelectionView } from './selection-view.js';
import type { FloatArray } from '../model/types.js';
import { pythonStrRepr } from '../evaluation/statistics.js';

export const SIMILARITY_MEASURES = [
  'cosine',
  'cosine_signed',
  'spearman',
  'spearman_signed',
  'topk_overlap',
  'mass_overlap',
] as const;
export type SimilarityMeasure = (typeof SIMILARITY_MEASURES)[number];

/** Model id → one model, or several (seeds of one feature; each cell then aggregates all seed pairs). */
export type SimilarityModels =
  | ReadonlyMap<string, GradiendModel | readonly GradiendModel[]>
  | Readonly<Record<string, GradiendModel | readonly GradiendModel[]>>;

export interface SimilarityOptions {
  /** Default 'cosine'; case-insensitive. */
  readonly measure?: string;
  /** Default 'decoder-weight' for topk_overlap, 'encoder-weight' otherwise. */
  readonly part?: string | null;
  /** null / absent: all coordinates (not allowed for topk_overlap and mass_overlap). */
  readonly topk?: TopKSpec | null;
  /** topk_overlap: 'intersection_frac' (default, |S_i ∩ S_j| / min(|S_i|, |S_j|)) or 'intersection'. */
  readonly value?: string;
  readonly seedAggregate?: string;
  readonly dispersion?: string;
}

/** The reference's compute_similarity_matrix payload (keys as it writes them). */
export interface SimilarityMatrix {
  readonly measure: string;
  readonly model_ids: string[];
  readonly matrix: number[][];
  readonly part: string;
  readonly topk: number | null;
  readonly value?: string;
  readonly resolved_topk?: Record<string, number>;
  readonly block_dim?: number;
  readonly per_model?: Record<string, number[]>;
  readonly full_zero_filled?: boolean;
  readonly sparse_exact?: boolean;
  readonly fallback_dense?: boolean;
  readonly seed_aggregate?: SeedAggregate;
  readonly dispersion?: Dispersion;
  readonly n_matrix?: number[][];
  readonly cell_stats?: CellStats[][];
  readonly multi_seed?: true;
  readonly global_n?: number;
  readonly global_n_range?: [number, number];
}

export const MEASURE_ERROR =
  "measure must be one of 'cosine', 'cosine_signed', 'spearman', 'spearman_signed', 'topk_overlap', or 'mass_overlap'";

/** Validates a top-k argument as the reference's `_validate_topk_optional`; returns the spec or null. */
export function validateTopk(topk: TopKSpec | null | undefined): TopKSpec | null {
  if (topk === null || topk === undefined) return null;
  const spec =
    typeof topk === 'number' ? (Number.isInteger(topk) ? { count: topk } : { fraction: topk }) : topk;
  if (typeof spec !== 'object' || spec === null)
    throw new ComparisonError('topk must be int, float, or None', 'TypeError');
  if ('count' in spec) {
    if (!Number.isInteger(spec.count))
      throw new ComparisonError('topk must be int, float, or None', 'TypeError');
    if (spec.count <= 0) throw new ComparisonError('topk as int must be > 0');
    return spec;
  }
  if (typeof spec.fraction !== 'number' || !(spec.fraction > 0 && spec.fraction <= 1))
    throw new ComparisonError('topk as float must be in (0, 1.0]');
  return spec;
}

export function topkEcho(topk: TopKSpec | null): number | null {
  if (topk === null) return null;
  return typeof topk === 'number' ? topk : 'count' in topk ? topk.count : topk.fraction;
}

/** Model ids with their models, in the caller's order; the reference's argument errors. */
export function modelGroups(models: SimilarityModels): [string, GradiendModel[]][] {
  const entries: [string, GradiendModel | readonly GradiendModel[]][] =
    models instanceof Map
      ? [...(models as ReadonlyMap<string, GradiendModel | readonly GradiendModel[]>)]
      : Object.entries(models as Record<string, GradiendModel | readonly GradiendModel[]>);
  if (entries.length < 2) throw new ComparisonError('At least 2 models are required.');
  return entries.map(([id, v]) => {
    const group = Array.isArray(v) ? [...(v as readonly GradiendModel[])] : [v as GradiendModel];
    if (group.length === 0)
      throw new ComparisonError(`Model group ${pythonStrRepr(id)} must contain at least one model`);
    return [id, group];
  });
}

/**
 * Pairwise similarity of GRADIENDs of one base model, aligned by base-global index (the reference's
 * `compute_similarity_matrix`): differently pruned models compare, and nothing is densified to the
 * base space — an unpruned BERT-base model against pruned ones walks the pruned ones' coordinates.
 */
export function similarityMatrix(
  models: SimilarityModels,
  options: SimilarityOptions = {},
): SimilarityMatrix {
  const groups = modelGroups(models);
  const topk = validateTopk(options.topk);
  const measure = (options.measure || 'cosine').toLowerCase();
  const part = (
    options.part || (measure === 'topk_overlap' ? 'decoder-weight' : 'encoder-weight')
  ).toLowerCase();
  const value = options.value ?? 'intersection_frac';
  const seedAggregate = options.seedAggregate ?? 'mean';
  const dispersion = options.dispersion ?? 'none';
  validateAggregation(seedAggregate, dispersion);
  const flat = groups.flatMap(([id, g]) => g.map((model) => ({ id, model })));
  const ids = groups.map(([id]) => id);
  const scorer = new PairScorer(measure, part, topk, value);

  if (groups.every(([, g]) => g.length === 1)) {
    const ms = groups.map(([, g]) => g[0] as GradiendModel);
    if (!(SIMILARITY_MEASURES as readonly string[]).includes(measure))
      throw new ComparisonError(MEASURE_ERROR);
    if ((measure === 'topk_overlap' || measure === 'mass_overlap') && topk === null)
      throw new ComparisonError(`topk must be provided for measure='${measure}'`);
    scorer.prepareAll(ms);
    if (measure === 'topk_overlap' && value !== 'intersection' && value !== 'intersection_frac')
      throw new ComparisonError("value must be 'intersection' or 'intersection_frac'");
    assertSameBaseSpace(flat);
    const matrix = symmetricMatrix(ms.length, (i, j) =>
      scorer.score(ms[i] as GradiendModel, ms[j] as GradiendModel),
    );
    const resolved = Object.fromEntries(ms.map((m, i) => [ids[i] as string, scorer.resolvedTopk(m)]));
    const base = { measure, model_ids: ids, matrix, part, topk: topkEcho(topk) };
    switch (measure as SimilarityMeasure) {
      case 'cosine':
      case 'cosine_signed':
        return { ...base, resolved_topk: resolved, block_dim: scorer.blockDim(ms[0] as GradiendModel) };
      case 'spearman':
      case 'spearman_signed':
        return {
          ...base,
          resolved_topk: resolved,
          full_zero_filled: true,
          sparse_exact: true,
          fallback_dense: false,
        };
      case 'topk_overlap':
        return {
          ...base,
          value,
          per_model: Object.fromEntries(ms.map((m, i) => [ids[i] as string, [...scorer.baseTopk(m)]])),
          resolved_topk: resolved,
        };
      case 'mass_overlap':
        return { ...base, resolved_topk: resolved };
    }
  }

  // Seed groups: the reference scores lazily pair by pair, so its argument errors surface there.
  const first = groups[0]?.[1][0] as GradiendModel;
  scorer.score(first, first);
  assertSameBaseSpace(flat);
  const matrix: number[][] = [];
  const nMatrix: number[][] = [];
  const cellStats: CellStats[][] = [];
  const allN: number[] = [];
  for (const [, gi] of groups) {
    const row: number[] = [];
    const nRow: number[] = [];
    const statsRow: CellStats[] = [];
    for (const [, gj] of groups) {
      const scores = gi.flatMap((a) => gj.map((b) => scorer.score(a, b)));
      const stats = aggregateSeedScores(scores, seedAggregate as SeedAggregate, dispersion as Dispersion);
      row.push(stats.aggregate);
      nRow.push(stats.n);
      statsRow.push(stats);
      allN.push(stats.n);
    }
    matrix.push(row);
    nMatrix.push(nRow);
    cellStats.push(statsRow);
  }
  const lo = Math.min(...allN);
  const hi = Math.max(...allN);
  return {
    measure,
    model_ids: ids,
    matrix,
    part,
    topk: topkEcho(topk),
    value,
    seed_aggregate: seedAggregate as SeedAggregate,
    dispersion: dispersion as Dispersion,
    n_matrix: nMatrix,
    cell_stats: cellStats,
    multi_seed: true,
    ...(lo === hi ? { global_n: lo } : { global_n_range: [lo, hi] as [number, number] }),
  };
}

interface Prepared {
  locals: Int32Array | null;
  vector?: VectorSide;
  ranks?: RankInfo;
  baseTopk?: Float64Array;
  /** mass_overlap: the part's importance (|·| taken where used), its top-k view and the top-k's L2 mass. */
  importance?: { view: SelectionView; values: FloatArray; mass: number };
}

/** Scores model pairs with one measure, preparing each model once (selection, blocks, ranks). */
export class PairScorer {
  private readonly prepared = new Map<GradiendModel, Prepared>();

  constructor(
    readonly measure: string,
    readonly part: string,
    readonly topk: TopKSpec | null,
    readonly value: string,
  ) {}

  prepareAll(models: readonly GradiendModel[]): void {
    for (const m of models) this.prepare(m);
  }

  resolvedTopk(m: GradiendModel): number {
    const p = this.prepare(m);
    return p.locals === null ? m.inputDim : p.locals.length;
  }

  blockDim(m: GradiendModel): number {
    return this.vector(m).blocks.dim;
  }

  baseTopk(m: GradiendModel): Float64Array {
    const p = this.prepare(m);
    p.baseTopk ??= Float64Array.from(p.locals ?? [], (l) => m.baseGlobalIndex(l));
    return p.baseTopk;
  }

  private prepare(m: GradiendModel): Prepared {
    let p = this.prepared.get(m);
    if (!p) {
      const wantsTopk = this.measure === 'topk_overlap' || this.measure === 'mass_overlap';
      if (wantsTopk && this.topk === null)
        throw new ComparisonError(`topk must be provided for measure='${this.measure}'`);
      p = { locals: selectedLocals(m, this.part, this.topk) };
      this.prepared.set(m, p);
      if (this.measure.startsWith('cosine') || this.measure.startsWith('spearman')) this.vector(m);
      if (this.measure.startsWith('spearman')) this.ranks(m);
      if (this.measure === 'mass_overlap') this.importance(m);
    }
    return p;
  }

  private vector(m: GradiendModel): VectorSide {
    const p = this.prepare(m);
    if (!p.vector) {
      const blocks = blocksOf(m, this.part);
      const view = selectionView(m, p.locals);
      p.vector = { view, blocks, squaredNorm: squaredNorm(blocks, view) };
    }
    return p.vector;
  }

  private ranks(m: GradiendModel): RankInfo {
    const p = this.prepare(m);
    p.ranks ??= rankInfo(this.vector(m), m.unprunedLength());
    return p.ranks;
  }

  private importance(m: GradiendModel): NonNullable<Prepared['importance']> {
    const p = this.prepare(m);
    if (!p.importance) {
      const locals = p.locals as Int32Array;
      const values = asComparisonError(() => m.importance(this.part as ImportancePart));
      let mass = 0;
      for (const l of locals) mass += (values[l] as number) ** 2;
      p.importance = { view: subsetView(m.paramMap, locals), values, mass: Math.sqrt(mass) };
    }
    return p.importance;
  }

  score(a: GradiendModel, b: GradiendModel): number {
    switch (this.measure) {
      case 'cosine':
        return this.sameLatent(a, b, () => Math.abs(cosine(this.vector(a), this.vector(b))));
      case 'cosine_signed':
        return this.sameLatent(a, b, () => cosine(this.vector(a), this.vector(b)));
      case 'spearman':
        return Math.abs(sparseSpearman(this.ranks(a), this.ranks(b)));
      case 'spearman_signed':
        return sparseSpearman(this.ranks(a), this.ranks(b));
      case 'topk_overlap': {
        const sa = this.baseTopk(a);
        const sb = this.baseTopk(b);
        const inter = intersectionSize(sa, sb);
        if (this.value === 'intersection') return inter;
        if (this.value === 'intersection_frac') {
          const denom = Math.min(sa.length, sb.length);
          return denom ? inter / denom : 0;
        }
        throw new ComparisonError("value must be 'intersection' or 'intersection_frac'");
      }
      case 'mass_overlap': {
        const ia = this.importance(a);
        const ib = this.importance(b);
        if (ia.mass === 0 || ib.mass === 0) return 0;
        let sharedA = 0;
        let sharedB = 0;
        forEachShared(ia.view, ib.view, (la, lb) => {
          sharedA += (ia.values[la] as number) ** 2;
          sharedB += (ib.values[lb] as number) ** 2;
        });
        return 0.5 * (Math.sqrt(sharedA) / ia.mass + Math.sqrt(sharedB) / ib.mass);
      }
      default:
        throw new ComparisonError(MEASURE_ERROR);
    }
  }

  /** The reference's dot product fails on blocks of different lengths; we say why. */
  private sameLatent(a: GradiendModel, b: GradiendModel, f: () => number): number {
    if (this.vector(a).blocks.dim !== this.vector(b).blocks.dim)
      throw new ComparisonError(
        `cosine needs equally long blocks per coordinate: latent_dim ${a.latentDim} vs ${b.latentDim} for part '${this.part}'`,
      );
    return f();
  }
}

/**
 * Every measure is symmetric in its two models, so each pair is scored once (i ≤ j) and mirrored:
 * half the work for large models.
 */
function symmetricMatrix(n: number, score: (i: number, j: number) => number): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = score(i, j);
      (m[i] as number[])[j] = v;
      (m[j] as number[])[i] = v;
    }
  }
  return m;
}

/** |A ∩ B| of two index lists (each without duplicates). */
function intersectionSize(a: Float64Array, b: Float64Array): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      n++;
      i++;
      j++;
    } else if ((x[i] as number) < (y[j] as number)) i++;
    else j++;
  }
  return n;
}
