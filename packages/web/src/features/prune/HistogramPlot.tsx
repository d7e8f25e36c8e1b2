import type { Data, Layout, PlotRelayoutEvent } from 'plotly.js';
import { useMemo } from 'react';
import type { Histogram } from '../../api/contract';
import { Plot } from '../../components/Plot';
import { formatInt, formatValue } from '../../lib/format';
import { markRendered } from '../../lib/render-mark';

interface Props {
  histogram: Histogram;
  threshold: number | null;
  onThreshold: (value: number) => void;
}

const SLIDER_STEPS = 1000;

/** Bins are plotted in log10 space for the log scale, so the threshold line's x is log10(threshold) there. */
function toAxis(h: Histogram, v: number): number {
  return h.scale === 'log' ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v;
}
function fromAxis(h: Histogram, x: number): number {
  return h.scale === 'log' ? 10 ** x : x;
}

/** The x of the dragged line from a relayout event (plotly reports either the moved ends or the whole shape). */
export function draggedLineX(event: PlotRelayoutEvent): number | null {
  const e = event as Record<string, unknown>;
  const x0 = e['shapes[0].x0'];
  if (typeof x0 === 'number') return x0;
  const shapes = e.shapes;
  if (Array.isArray(shapes)) {
    const first: unknown = shapes[0];
    if (first && typeof first === 'object' && typeof (first as { x0?: unknown }).x0 === 'number') {
      return (first as { x0: number }).x0;
    }
  }
  return null;
}

export function HistogramPlot({ histogram: h, threshold, onThreshold }: Props) {
  const edges = useMemo(() => h.edges.map((e) => toAxis(h, e)), [h]);
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 1;
  const lineX = threshold === null ? null : toAxis(h, threshold);

  const data = useMemo<Data[]>(
    () => [
      {
        type: 'bar',
        x: edges.slice(0, -1).map((e, i) => (e + (edges[i + 1] ?? e)) / 2),
        y: h.counts,
        width: edges.slice(0, -1).map((e, i) => (edges[i + 1] ?? e) - e),
        marker: { color: '#3f51b5' },
        hovertemplate: 'importance %{x}<br>%{y} dims<extra></extra>',
      },
    ],
    [h, edges],
  );
  const layout = useMemo<Partial<Layout>>(
    () => ({
      height: 300,
      margin: { l: 60, r: 20, t: 10, b: 45 },
      bargap: 0,
      xaxis: { title: { text: h.scale === 'log' ? 'log10 importance' : 'importance' } },
      yaxis: { title: { text: 'input dims' } },
      shapes:
        lineX === null
          ? []
          : [
              {
                type: 'line',
                x0: lineX,
                x1: lineX,
                yref: 'paper',
                y0: 0,
                y1: 1,
                line: { color: '#e53935', width: 3 },
                editable: true,
              },
            ],
    }),
    [h.scale, lineX],
  );

  const sliderValue = lineX === null ? 0 : Math.round(((lineX - lo) / (hi - lo || 1)) * SLIDER_STEPS);

  return (
    <div className="histogram">
      <Plot
        data={data}
        layout={layout}
        config={{ edits: { shapePosition: true } }}
        ariaLabel={`Histogram of ${h.part} importance (${h.scale})`}
        onRendered={() => markRendered('prune-histogram-rendered')}
        onRelayout={(event) => {
          const x = draggedLineX(event);
          if (x !== null) onThreshold(fromAxis(h, x));
        }}
      />
      <label className="field field-block">
        Threshold (drag the red line or this slider)
        <input
          type="range"
          min={0}
          max={SLIDER_STEPS}
          value={Math.max(0, Math.min(SLIDER_STEPS, sliderValue))}
          onChange={(e) => onThreshold(fromAxis(h, lo + (Number(e.target.value) / SLIDER_STEPS) * (hi - lo)))}
          aria-label="Threshold slider"
        />
      </label>
      <p className="muted small">
        {formatInt(h.total)} dims; {formatInt(h.zeros)} zeros; {formatInt(h.below_range)} below and{' '}
        {formatInt(h.above_range)} above the plotted range{' '}
        {h.range ? `[${formatValue(h.range[0])}, ${formatValue(h.range[1])}]` : ''}.
      </p>
    </div>
  );
}
