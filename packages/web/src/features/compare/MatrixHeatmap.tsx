import type { Data, Layout, PlotMouseEvent } from 'plotly.js';
import { useMemo, useState } from 'react';
import { Plot } from '../../components/Plot';
import { describeStats, fmt, type MatrixPanel } from './matrix-request';

export interface Cell {
  readonly row: number;
  readonly col: number;
}

/** Signed measures range over [-1, 1]: a diverging scale, symmetric so that 0 is its middle; the others a sequential one. */
function colorOf(measure: string): Partial<Data> {
  return measure.endsWith('_signed')
    ? { colorscale: 'RdBu', zmin: -1, zmax: 1 }
    : { colorscale: 'Viridis', ...(measure === 'topk_overlap' ? {} : { zmin: 0 }) };
}

function hoveredCell(event: PlotMouseEvent, ids: readonly string[]): Cell | null {
  const p = event.points[0];
  if (!p) return null;
  const row = ids.indexOf(String(p.y));
  const col = ids.indexOf(String(p.x));
  return row >= 0 && col >= 0 ? { row, col } : null;
}

/** The hovered cell in words (and its exact value as data for tests): row vs column, value, seed stats. */
export function MatrixReadout({
  panel,
  cell,
  aggregate,
}: {
  panel: MatrixPanel;
  cell: Cell | null;
  aggregate: string;
}) {
  if (!cell) {
    return (
      <output className="readout" data-testid="matrix-readout" aria-live="polite">
        Hover a cell to read its value{panel.stats ? ' and the statistics of its seed pairs' : ''}.
      </output>
    );
  }
  const value = panel.matrix[cell.row]?.[cell.col];
  const stats = panel.stats?.[cell.row]?.[cell.col];
  return (
    <output
      className="readout"
      data-testid="matrix-readout"
      aria-live="polite"
      data-row={cell.row}
      data-col={cell.col}
      data-value={value === undefined ? '' : String(value)}
    >
      {panel.ids[cell.row]} vs {panel.ids[cell.col]}:{' '}
      <strong>{value === undefined ? '—' : fmt(value)}</strong>
      {stats && <> ({describeStats(stats, aggregate)})</>}
    </output>
  );
}

/** One annotated similarity heatmap: rows and columns are the models, each cell shows its value. */
export function MatrixHeatmap({
  panel,
  measure,
  aggregate,
}: {
  panel: MatrixPanel;
  measure: string;
  aggregate: string;
}) {
  const [cell, setCell] = useState<Cell | null>(null);
  const data = useMemo<Data[]>(
    () => [
      {
        type: 'heatmap',
        z: panel.matrix.map((row) => [...row]),
        x: [...panel.ids],
        y: [...panel.ids],
        text: panel.matrix.map((row) => row.map(fmt)),
        texttemplate: '%{text}',
        customdata: panel.matrix.map((row, i) =>
          row.map((_, j) => {
            const s = panel.stats?.[i]?.[j];
            return s ? describeStats(s, aggregate) : '';
          }),
        ),
        hovertemplate: '%{y} vs %{x}<br>%{z:.4f}<br>%{customdata}<extra></extra>',
        ...colorOf(measure),
      } as Data,
    ],
    [panel, measure, aggregate],
  );
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: `${measure} · ${panel.title}` },
      height: Math.max(320, 120 + 48 * panel.ids.length),
      margin: { l: 160, r: 20, t: 48, b: 140 },
      xaxis: { type: 'category', tickangle: -35 },
      yaxis: { type: 'category', autorange: 'reversed' },
    }),
    [measure, panel],
  );
  return (
    <div
      className="matrix-panel"
      data-testid="matrix-heatmap"
      data-group={panel.title}
      data-size={panel.ids.length}
      onMouseLeave={() => setCell(null)}
    >
      <Plot
        data={data}
        layout={layout}
        ariaLabel={`${measure} similarity of ${panel.ids.join(', ')} (${panel.title})`}
        onHover={(e) => setCell(hoveredCell(e, panel.ids))}
      />
      <MatrixReadout panel={panel} cell={cell} aggregate={aggregate} />
    </div>
  );
}
