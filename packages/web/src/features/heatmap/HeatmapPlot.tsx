import type { Data, Layout, PlotMouseEvent } from 'plotly.js';
import { useMemo, type KeyboardEvent } from 'react';
import type { Heatmap } from '../../api/contract';
import { Plot } from '../../components/Plot';
import {
  axisTitles,
  cellAt,
  cellStarts,
  coverageRange,
  heatmapZ,
  moveCell,
  type Cell,
} from '../../lib/heatmap-cells';
import { markRendered } from '../../lib/render-mark';

interface Props {
  heatmap: Heatmap;
  view: 'importance' | 'coverage';
  log: boolean;
  selected: Cell | null;
  onSelect: (cell: Cell) => void;
  onHover: (cell: Cell | null) => void;
  onStepParam: (delta: number) => void;
}

const UNSELECTED_GREY = '#bdbdbd';

/** Plotted x / y are the parameter's own start indices of a cell; map them back to the cell. */
function pointCell(event: PlotMouseEvent, h: Heatmap): Cell | null {
  const p = event.points[0];
  return p && typeof p.x === 'number' && typeof p.y === 'number'
    ? { row: cellAt(p.y, h.row_bin), col: cellAt(p.x, h.col_bin) }
    : null;
}

export function HeatmapPlot({ heatmap, view, log, selected, onSelect, onHover, onStepParam }: Props) {
  const data = useMemo<Data[]>(() => {
    const coverage = view === 'coverage';
    const [zmin, zmax] = coverageRange(heatmap);
    const oneD = heatmap.shape.length <= 1;
    const from = (bin: number) => (bin > 1 ? ' from' : '');
    const where = oneD
      ? `index${from(heatmap.col_bin)} %{x}`
      : `row${from(heatmap.row_bin)} %{y}, column${from(heatmap.col_bin)} %{x}`;
    return [
      {
        type: 'heatmap',
        // Cells sit at the parameter's own row / column indices, not at pooled-cell numbers.
        x: cellStarts(heatmap.cols, heatmap.col_bin),
        y: cellStarts(heatmap.rows, heatmap.row_bin),
        z: coverage ? heatmap.coverage : heatmapZ(heatmap, log),
        colorscale: coverage ? 'Blues' : 'Viridis',
        zmin: coverage ? zmin : undefined,
        zmax: coverage ? zmax : undefined,
        hoverongaps: false,
        colorbar: { title: { text: coverage ? 'coverage' : log ? 'log10 importance' : 'importance' } },
        hovertemplate: `${where}<br>${coverage ? 'coverage' : log ? 'log10 value' : 'value'} %{z}<extra></extra>`,
      },
    ];
  }, [heatmap, view, log]);

  const layout = useMemo<Partial<Layout>>(() => {
    const titles = axisTitles(heatmap);
    const { row_bin: rb, col_bin: cb } = heatmap;
    return {
      // A 1-D parameter is one strip: no row axis to read.
      height: titles.y === null ? 200 : 520,
      margin: { l: 60, r: 20, t: 10, b: 40 },
      // Unselected cells are gaps (null): the grey plot background shows through, unlike any colour of the scale.
      plot_bgcolor: UNSELECTED_GREY,
      xaxis: { title: { text: titles.x }, showgrid: false, zeroline: false },
      yaxis:
        titles.y === null
          ? { visible: false, showgrid: false, zeroline: false }
          : { title: { text: titles.y }, autorange: 'reversed', showgrid: false, zeroline: false },
      shapes: selected
        ? [
            {
              type: 'rect',
              x0: (selected.col - 0.5) * cb,
              x1: (selected.col + 0.5) * cb,
              y0: (selected.row - 0.5) * rb,
              y1: (selected.row + 0.5) * rb,
              line: { color: '#ff1744', width: 2 },
            },
          ]
        : [],
    };
  }, [heatmap, selected]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === '[' || event.key === ']') {
      event.preventDefault();
      onStepParam(event.key === '[' ? -1 : 1);
      return;
    }
    const step = event.shiftKey ? 10 : 1;
    const next = moveCell(selected, event.key, heatmap.rows, heatmap.cols, step);
    if (next) {
      event.preventDefault();
      onHover(null);
      onSelect(next);
    }
  };

  return (
    <div
      className="heatmap-plot"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onMouseLeave={() => onHover(null)}
      aria-label={`Heatmap of ${heatmap.param}: arrow keys move the selected cell, Shift for 10 cells, [ and ] switch parameter`}
      data-testid="heatmap-plot"
      data-param={heatmap.param}
      data-part={heatmap.part}
    >
      <Plot
        data={data}
        layout={layout}
        ariaLabel={`Importance heatmap of ${heatmap.param} (${heatmap.part})`}
        onHover={(e) => onHover(pointCell(e, heatmap))}
        onClick={(e) => {
          const cell = pointCell(e, heatmap);
          if (cell) onSelect(cell);
        }}
        onRendered={() => markRendered('heatmap-rendered')}
      />
    </div>
  );
}
