import type { Data, Layout, PlotMouseEvent } from 'plotly.js';
import { useMemo, useState } from 'react';
import { Plot } from '../../components/Plot';
import { describeStats, fmt, type MatrixPanel } from './matrix-request';

export interface Cell {
  readonly row: number;
  readonly col: number;
}

/**
 * Signed measures range over [-1, 1]: a diverging scale, symmetric so that 0 is its middle; encodings
 * (cross-encoding) are signed with no fixed range, so diverging around 0; the others a sequential one.
 */
function colorOf(measure: string): Partial<Data> {
  if (measure.startsWith('cross_encoding')) return { colorscale: 'RdBu', zmid: 0 } as Partial<Data>;
  return measure.endsWith('_signed')
    ? { colorscale: 'RdBu', zmin: -1, zmax: 1 }
    : { colorscale: 'Viridis', ...(measure === 'topk_overlap' ? {} : { zmin: 0 }) };
}

function hoveredCell(event: PlotMouseEvent, panel: MatrixPanel): Cell | null {
  const p = event.points[0];
  if (!p) return null;
  const row = panel.rows.indexOf(String(p.y));
  const col = panel.columns.indexOf(String(p.x));
  return row >= 0 && col >= 0 ? { row, col } : null;
}

/** What a cell holds besides its value: its seed statistics, or why it is empty. */
function cellNote(panel: MatrixPanel, cell: Cell, aggregate: string): string {
  const note = panel.notes?.[cell.row]?.[cell.col];
  if (note) return note;
  const stats = panel.stats?.[cell.row]?.[cell.col];
  return stats ? describeStats(stats, aggregate) : '';
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
  const note = cellNote(panel, cell, aggregate);
  const known = value !== undefined && value !== null;
  return (
    <output
      className="readout"
      data-testid="matrix-readout"
      aria-live="polite"
      data-row={cell.row}
      data-col={cell.col}
      data-value={known ? String(value) : ''}
    >
      {panel.rows[cell.row]} {panel.relation} {panel.columns[cell.col]}:{' '}
      <strong>{known ? fmt(value) : '—'}</strong>
      {note && <> ({note})</>}
    </output>
  );
}

/**
 * One annotated heatmap of a matrix panel, rows × columns (square for similarity), each cell showing
 * its value; an empty (null) cell is drawn as a gap and says on hover why it is empty.
 */
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
        x: [...panel.columns],
        y: [...panel.rows],
        text: panel.matrix.map((row) => row.map((v) => (v === null ? '' : fmt(v)))),
        texttemplate: '%{text}',
        hoverongaps: true,
        customdata: panel.matrix.map((row, i) =>
          row.map((v, j) => {
            const note = cellNote(panel, { row: i, col: j }, aggregate);
            return [v === null ? '—' : v.toFixed(4), note].filter((s) => s !== '').join('<br>');
          }),
        ),
        hovertemplate: `%{y} ${panel.relation} %{x}<br>%{customdata}<extra></extra>`,
        ...colorOf(measure),
      } as Data,
    ],
    [panel, measure, aggregate],
  );
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: `${measure} · ${panel.title}` },
      height: Math.max(320, 120 + 48 * panel.rows.length),
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
      data-size={panel.rows.length}
      data-columns={panel.columns.length}
      onMouseLeave={() => setCell(null)}
    >
      <Plot
        data={data}
        layout={layout}
        ariaLabel={`${measure} of ${panel.rows.join(', ')} ${panel.relation} ${panel.columns.join(', ')} (${panel.title})`}
        onHover={(e) => setCell(hoveredCell(e, panel))}
      />
      <MatrixReadout panel={panel} cell={cell} aggregate={aggregate} />
    </div>
  );
}
