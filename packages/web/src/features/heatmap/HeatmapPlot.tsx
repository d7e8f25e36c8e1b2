import type { Data, Layout, PlotMouseEvent } from 'plotly.js';
import { useMemo, type KeyboardEvent } from 'react';
import type { Heatmap } from '../../api/contract';
import { Plot } from '../../components/Plot';
import { heatmapZ, moveCell, type Cell } from '../../lib/heatmap-cells';
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

function pointCell(event: PlotMouseEvent): Cell | null {
  const p = event.points[0];
  return p && typeof p.x === 'number' && typeof p.y === 'number' ? { row: p.y, col: p.x } : null;
}

export function HeatmapPlot({ heatmap, view, log, selected, onSelect, onHover, onStepParam }: Props) {
  const data = useMemo<Data[]>(() => {
    const coverage = view === 'coverage';
    return [
      {
        type: 'heatmap',
        z: coverage ? heatmap.coverage : heatmapZ(heatmap, log),
        colorscale: coverage ? 'Blues' : 'Viridis',
        zmin: coverage ? 0 : undefined,
        zmax: coverage ? 1 : undefined,
        hoverongaps: false,
        colorbar: { title: { text: coverage ? 'coverage' : log ? 'log10 importance' : 'importance' } },
        hovertemplate: `row cell %{y}, col cell %{x}<br>${coverage ? 'coverage' : log ? 'log10 value' : 'value'} %{z}<extra></extra>`,
      },
    ];
  }, [heatmap, view, log]);

  const layout = useMemo<Partial<Layout>>(
    () => ({
      height: 520,
      margin: { l: 60, r: 20, t: 10, b: 40 },
      // Unselected cells are gaps (null): the grey plot background shows through, unlike any colour of the scale.
      plot_bgcolor: UNSELECTED_GREY,
      xaxis: { title: { text: `column cell (×${heatmap.col_bin})` }, showgrid: false, zeroline: false },
      yaxis: {
        title: { text: `row cell (×${heatmap.row_bin})` },
        autorange: 'reversed',
        showgrid: false,
        zeroline: false,
      },
      shapes: selected
        ? [
            {
              type: 'rect',
              x0: selected.col - 0.5,
              x1: selected.col + 0.5,
              y0: selected.row - 0.5,
              y1: selected.row + 0.5,
              line: { color: '#ff1744', width: 2 },
            },
          ]
        : [],
    }),
    [heatmap.col_bin, heatmap.row_bin, selected],
  );

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
        onHover={(e) => onHover(pointCell(e))}
        onClick={(e) => {
          const cell = pointCell(e);
          if (cell) onSelect(cell);
        }}
        onRendered={() => markRendered('heatmap-rendered')}
      />
    </div>
  );
}
