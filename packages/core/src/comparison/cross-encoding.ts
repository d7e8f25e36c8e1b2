import { ComparisonError } from '../errors.js';
import { pythonListRepr, pythonStrRepr } from '../evaluation/statistics.js';
import {
  aggregateSeedScores,
  validateAggregation,
  type CellStats,
  type Dispersion,
  type SeedAggregate,
} from './seed-aggregation.js';

export const CROSS_ENCODING_METRICS = ['positive_mean', 'negative_mean', 'positive_minus_negative'] as const;
export type CrossEncodingMetric = (typeof CROSS_ENCODING_METRICS)[number];

/**
 * One GRADIEND's encodings of one labeled set: per row the encoded value (one latent dimension),
 * its label (+1 the set's positive class, −1 its negative class, 0 neutral) and optionally its type
 * (rows whose type contains "neutral" are left out, as the reference does).
 */
export interface EncodedLabeledRows {
  readonly encoded: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly types?: readonly (string | null)[];
}

export interface CrossEncodingOptions {
  /** Default `positive_mean`: the mean encoding of the column set's positive class. */
  readonly metric?: CrossEncodingMetric;
  /** Missing or empty cells become null instead of an error. */
  readonly allowIncomplete?: boolean;
  /** Rows with several seeds: how their per-seed scores combine (default mean, no dispersion). */
  readonly seedAggregate?: SeedAggregate;
  readonly dispersion?: Dispersion;
}

export interface CrossEncodingMatrix {
  readonly measure:
    `cross_encoding_${CrossEncodingMetric}` | `cross_encoding_${CrossEncodingMetric}_row_normalized`;
  readonly metric: CrossEncodingMetric;
  /** GRADIENDs (or seed groups): one matrix row each. */
  readonly rows: readonly string[];
  /** Labeled sets: one matrix column each. */
  readonly columns: readonly string[];
  /** `matrix[i][j]`: the metric of row i's encodings of column j's set; null where unavailable. */
  readonly matrix: (number | null)[][];
  readonly available_mask: boolean[][];
  /** Seeds that gave a score per cell. */
  readonly n_matrix: number[][];
  readonly cell_stats: (CellStats | null)[][];
  readonly seed_aggregate: SeedAggregate;
  readonly dispersion: Dispersion;
  readonly multi_seed: boolean;
  readonly row_normalized_by_diagonal: boolean;
}

/** The mean encoding of the non-neutral rows whose label has this sign; null when there is none. */
function classMean(rows: EncodedLabeledRows, sign: 1 | -1): number | null {
  const { encoded, labels, types } = rows;
  if (encoded.length !== labels.length || (types !== undefined && types.length !== labels.length))
    throw new ComparisonError(
      `encodings, labels and types must have one entry per row, got ${encoded.length}, ${labels.length}` +
        (types === undefined ? '' : ` and ${types.length}`),
    );
  let sum = 0;
  let n = 0;
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r] as number;
    if (Math.sign(label) !== sign) continue;
    if (types?.[r]?.toLowerCase().includes('neutral')) continue;
    sum += encoded[r] as number;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/** One seed's score of a cell, or null when the set has no row of a class the metric needs. */
export function crossEncodingScore(rows: EncodedLabeledRows, metric: CrossEncodingMetric): number | null {
  const positive = classMean(rows, 1);
  if (metric === 'positive_mean' || positive === null) return positive;
  const negative = classMean(rows, -1);
  if (metric === 'negative_mean' || negative === null) return negative;
  return positive - negative;
}

/**
 * How GRADIENDs encode each other's labeled sets (the reference's `compute_cross_encoding_matrix`,
 * over registry sets instead of trainers): cell (i, j) is `metric` of row i's encodings of column
 * j's set, aggregated over row i's seeds. `encodings(i, j)` gives one entry per seed of row i, or
 * null when row i cannot encode set j.
 */
export function crossEncodingMatrix(
  rows: readonly string[],
  columns: readonly string[],
  encodings: (row: number, column: number) => readonly EncodedLabeledRows[] | null,
  options: CrossEncodingOptions = {},
): CrossEncodingMatrix {
  const metric = options.metric ?? 'positive_mean';
  if (!(CROSS_ENCODING_METRICS as readonly string[]).includes(metric))
    throw new ComparisonError(
      `metric must be one of ${pythonListRepr([...CROSS_ENCODING_METRICS])}, got ${pythonStrRepr(metric)}`,
    );
  const seedAggregate = options.seedAggregate ?? 'mean';
  const dispersion = options.dispersion ?? 'none';
  validateAggregation(seedAggregate, dispersion);
  if (rows.length === 0 || columns.length === 0)
    throw new ComparisonError('cross-encoding needs at least one row and one column');

  let multiSeed = false;
  const stats = rows.map((rowId, i) =>
    columns.map((columnId, j) => {
      const seeds = encodings(i, j) ?? [];
      if (seeds.length > 1) multiSeed = true;
      const scores = seeds.flatMap((s) => {
        const score = crossEncodingScore(s, metric);
        return score === null ? [] : [score];
      });
      if (scores.length > 0) return aggregateSeedScores(scores, seedAggregate, dispersion);
      if (options.allowIncomplete) return null;
      throw new ComparisonError(
        `${pythonStrRepr(rowId)} has no encodings of the classes ${metric} needs in set ${pythonStrRepr(columnId)}`,
      );
    }),
  );
  return {
    measure: `cross_encoding_${metric}`,
    metric,
    rows: [...rows],
    columns: [...columns],
    matrix: stats.map((r) => r.map((c) => (c === null ? null : c.aggregate))),
    available_mask: stats.map((r) => r.map((c) => c !== null)),
    n_matrix: stats.map((r) => r.map((c) => c?.n ?? 0)),
    cell_stats: stats,
    seed_aggregate: seedAggregate,
    dispersion,
    multi_seed: multiSeed,
    row_normalized_by_diagonal: false,
  };
}

const SCALED_STATS = ['aggregate', 'min', 'max', 'std', 'range_half_width'] as const;

/**
 * Each row divided by its diagonal cell (the GRADIEND's encoding of its own set), as the reference's
 * `normalize_cross_encoding_rows_by_diagonal`: cell statistics scale with it, counts do not. The
 * caller checks with `canNormalizeByDiagonal` that the diagonal pairs each GRADIEND with its own set.
 */
export function normalizeRowsByDiagonal(m: CrossEncodingMatrix): CrossEncodingMatrix {
  if (m.rows.length !== m.columns.length)
    throw new ComparisonError(
      `Cannot normalize by diagonal: matrix must be square, got ${m.rows.length} rows and ${m.columns.length} columns`,
    );
  const factors = m.matrix.map((row, i) => {
    const diagonal = row[i] ?? null;
    if (diagonal === null || diagonal === 0)
      throw new ComparisonError(
        `Cannot normalize cross-encoding row ${i} (${pythonStrRepr(m.rows[i] ?? '')}) because its diagonal value is ${diagonal === null ? 'missing' : 0}.`,
      );
    return 1 / diagonal;
  });
  const scale = (stats: CellStats | null, f: number): CellStats | null => {
    if (stats === null) return null;
    const scaled: Record<string, unknown> = { ...stats, scores: stats.scores.map((s) => s * f) };
    for (const key of SCALED_STATS) {
      const v = stats[key];
      if (typeof v === 'number') scaled[key] = v * f;
    }
    if (stats.minmax) scaled.minmax = [stats.minmax[0] * f, stats.minmax[1] * f];
    return scaled as unknown as CellStats;
  };
  return {
    ...m,
    measure: `cross_encoding_${m.metric}_row_normalized`,
    matrix: m.matrix.map((row, i) => row.map((v) => (v === null ? null : v * (factors[i] as number)))),
    cell_stats: m.cell_stats.map((row, i) => row.map((c) => scale(c, factors[i] as number))),
    row_normalized_by_diagonal: true,
  };
}
