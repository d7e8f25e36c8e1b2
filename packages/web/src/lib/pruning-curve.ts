import type { PruningCurveResponse } from '../api/contract';

type Point = PruningCurveResponse['points'][number];

/**
 * The smallest k on the curve whose |correlation| keeps at least `fraction` of the unpruned
 * |correlation|; null when no grid point does.
 */
export function suggestK(
  curve: Pick<PruningCurveResponse, 'points' | 'unpruned'>,
  fraction: number,
): Point | null {
  const goal = fraction * Math.abs(curve.unpruned.correlation);
  const sorted = [...curve.points].sort((a, b) => a.k - b.k);
  return sorted.find((p) => Number.isFinite(p.correlation) && Math.abs(p.correlation) >= goal) ?? null;
}

/** Every class key any point has a mean for, ascending by label value. */
export function curveClasses(curve: Pick<PruningCurveResponse, 'points'>): string[] {
  const keys = new Set(curve.points.flatMap((p) => Object.keys(p.mean_by_class)));
  return [...keys].sort((a, b) => Number(a) - Number(b));
}

/** Reads a "keep ≥ X %" field: a percentage in (0, 100], as a fraction; null when not one. */
export function readPercent(text: string): number | null {
  const v = Number(text.trim().replace(/%$/, ''));
  return Number.isFinite(v) && v > 0 && v <= 100 ? v / 100 : null;
}
