import { ComparisonError } from '../errors.js';
import { pythonListRepr, pythonStrRepr } from '../evaluation/statistics.js';

export const SEED_AGGREGATES = ['mean', 'median', 'min', 'max'] as const;
export const DISPERSIONS = ['none', 'std', 'range', 'minmax'] as const;
export type SeedAggregate = (typeof SEED_AGGREGATES)[number];
export type Dispersion = (typeof DISPERSIONS)[number];

/** One multi-seed cell: the aggregate over all seed pairs and its spread. */
export interface CellStats {
  readonly aggregate: number;
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly scores: number[];
  readonly std?: number;
  readonly range_half_width?: number;
  readonly minmax?: [number, number];
}

/** The reference's `_validate_aggregate_dispersion_combo` (messages list the names sorted). */
export function validateAggregation(seedAggregate: string, dispersion: string): void {
  if (!(SEED_AGGREGATES as readonly string[]).includes(seedAggregate))
    throw new ComparisonError(
      `seed_aggregate must be one of ${pythonListRepr([...SEED_AGGREGATES].sort())}, got ${pythonStrRepr(seedAggregate)}`,
    );
  if (!(DISPERSIONS as readonly string[]).includes(dispersion))
    throw new ComparisonError(
      `dispersion must be one of ${pythonListRepr([...DISPERSIONS].sort())}, got ${pythonStrRepr(dispersion)}`,
    );
  if (dispersion === 'range' && (seedAggregate === 'min' || seedAggregate === 'max'))
    throw new ComparisonError("dispersion='range' does not make sense with seed_aggregate='min' or 'max'");
}

/** Aggregate and dispersion of one cell's seed-pair scores (std is the population std). */
export function aggregateSeedScores(
  scores: readonly number[],
  aggregate: SeedAggregate,
  dispersion: Dispersion,
): CellStats {
  if (scores.length === 0) throw new ComparisonError('Cannot aggregate an empty score list');
  const ordered = [...scores].sort((a, b) => a - b);
  const n = ordered.length;
  const sum = ordered.reduce((s, v) => s + v, 0);
  const lo = ordered[0] as number;
  const hi = ordered[n - 1] as number;
  const mid = n >> 1;
  const value =
    aggregate === 'mean'
      ? sum / n
      : aggregate === 'median'
        ? n % 2
          ? (ordered[mid] as number)
          : 0.5 * ((ordered[mid - 1] as number) + (ordered[mid] as number))
        : aggregate === 'min'
          ? lo
          : hi;
  const base = { aggregate: value, n, min: lo, max: hi, scores: [...scores] };
  if (dispersion === 'std') {
    const mean = sum / n;
    return { ...base, std: Math.sqrt(ordered.reduce((s, v) => s + (v - mean) ** 2, 0) / n) };
  }
  if (dispersion === 'range') return { ...base, range_half_width: (hi - lo) / 2 };
  if (dispersion === 'minmax') return { ...base, minmax: [lo, hi] };
  return base;
}
