import type { Heatmap } from '../api/contract';

export interface Cell {
  readonly row: number;
  readonly col: number;
}

/** The parameter entries a pooled cell covers: [first, last] row and column of the matrix view. */
export function cellExtent(h: Pick<Heatmap, 'row_bin' | 'col_bin' | 'matrix_shape'>, cell: Cell) {
  const [R, C] = h.matrix_shape;
  return {
    rows: [cell.row * h.row_bin, Math.min((cell.row + 1) * h.row_bin, R) - 1] as const,
    cols: [cell.col * h.col_bin, Math.min((cell.col + 1) * h.col_bin, C) - 1] as const,
  };
}

export function cellValue(h: Pick<Heatmap, 'values'>, cell: Cell): number | null {
  return h.values[cell.row]?.[cell.col] ?? null;
}

export function cellCoverage(h: Pick<Heatmap, 'coverage'>, cell: Cell): number {
  return h.coverage[cell.row]?.[cell.col] ?? 0;
}

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** The cell an arrow key moves to (clamped to the grid); null for other keys. */
export function moveCell(cell: Cell | null, key: string, rows: number, cols: number, step = 1): Cell | null {
  if (key === 'Home') return { row: 0, col: 0 };
  if (key === 'End') return { row: rows - 1, col: cols - 1 };
  const move = MOVES[key];
  if (!move) return null;
  const from = cell ?? { row: 0, col: 0 };
  if (!cell) return from;
  return {
    row: Math.max(0, Math.min(rows - 1, from.row + move[0] * step)),
    col: Math.max(0, Math.min(cols - 1, from.col + move[1] * step)),
  };
}

/**
 * z for the value view. With `log`, values become log10 and non-positive values (no log) become
 * null like unselected cells, so the colour scale is not wrecked by zeros.
 */
export function heatmapZ(h: Pick<Heatmap, 'values'>, log: boolean): (number | null)[][] {
  if (!log) return h.values;
  return h.values.map((row) => row.map((v) => (v !== null && v > 0 ? Math.log10(v) : null)));
}

/** The parameter's own index where each pooled cell starts (plotly puts cell c at x = starts[c]). */
export function cellStarts(count: number, bin: number): number[] {
  return Array.from({ length: count }, (_, i) => i * bin);
}

/** The cell a plotted coordinate (a cell's start index) belongs to. */
export function cellAt(coord: number, bin: number): number {
  return Math.round(coord / Math.max(1, bin));
}

/** Axis titles in the parameter's own terms: rows and columns (or the index of a 1-D parameter). */
export function axisTitles(h: Pick<Heatmap, 'shape' | 'row_bin' | 'col_bin'>): {
  x: string;
  y: string | null;
} {
  const pooled = (what: string, bin: number) => (bin > 1 ? `${what} (cells of ${bin})` : what);
  if (h.shape.length <= 1) return { x: pooled('index', h.col_bin), y: null };
  const cols = h.shape.length === 2 ? 'column' : `column (dims 1–${h.shape.length - 1} flattened)`;
  return { x: pooled(cols, h.col_bin), y: pooled('row', h.row_bin) };
}

/** The colour range of the coverage view: 0 to the largest coverage, so a 1 %-pruned model still shows contrast. */
export function coverageRange(h: Pick<Heatmap, 'coverage'>): [number, number] {
  let max = 0;
  for (const row of h.coverage) for (const v of row) if (v > max) max = v;
  return [0, max > 0 ? max : 1];
}
