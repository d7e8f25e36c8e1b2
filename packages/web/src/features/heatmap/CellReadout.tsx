import type { Heatmap } from '../../api/contract';
import { formatPercent, formatValue } from '../../lib/format';
import { cellCoverage, cellExtent, cellValue, type Cell } from '../../lib/heatmap-cells';

function range([a, b]: readonly [number, number]): string {
  return a === b ? String(a) : `${a}–${b}`;
}

/** Plain-text value of the hovered or selected cell, for keyboard and screen-reader users (and tests). */
export function CellReadout({
  heatmap,
  cell,
  source,
}: {
  heatmap: Heatmap;
  cell: Cell | null;
  source: string;
}) {
  if (!cell) {
    return (
      <output className="readout" data-testid="heatmap-readout" aria-live="polite">
        Hover a cell or focus the heatmap and use the arrow keys to read a value.
      </output>
    );
  }
  const value = cellValue(heatmap, cell);
  const extent = cellExtent(heatmap, cell);
  return (
    <output
      className="readout"
      data-testid="heatmap-readout"
      aria-live="polite"
      data-row={cell.row}
      data-col={cell.col}
      data-value={value === null ? 'null' : String(value)}
    >
      {source} cell ({cell.row}, {cell.col}) = rows {range(extent.rows)}, cols {range(extent.cols)}:{' '}
      <strong>{value === null ? 'not selected' : formatValue(value)}</strong> ({heatmap.agg}), coverage{' '}
      {formatPercent(cellCoverage(heatmap, cell))}
    </output>
  );
}
