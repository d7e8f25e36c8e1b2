import type { Data, Layout } from 'plotly.js';
import { useMemo } from 'react';
import type { PruningCurveResponse } from '../../api/contract';
import { Plot } from '../../components/Plot';
import { curveClasses } from '../../lib/pruning-curve';
import { labelName } from '../evaluate/scorecard';

function vline(x: number, color: string, dash: 'dash' | 'dot'): NonNullable<Layout['shapes']>[number] {
  return {
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: x,
    x1: x,
    y0: 0,
    y1: 1,
    line: { color, dash, width: 2 },
  };
}

/**
 * The pruning-quality curve: correlation and class means of the encodings against kept dims (log x),
 * the current top-k / threshold (red, dashed) and the suggested k (green, dotted) marked.
 */
export function PruningCurvePlot({
  curve,
  current,
  suggested,
  classNames,
}: {
  curve: PruningCurveResponse;
  current: number | null;
  suggested: number | null;
  classNames: Record<string, string>;
}) {
  const data = useMemo<Data[]>(() => {
    const x = curve.points.map((p) => p.kept_dims);
    return [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'correlation',
        x,
        y: curve.points.map((p) => p.correlation),
        line: { width: 3 },
      },
      ...curveClasses(curve).map((cls): Data => ({
        type: 'scatter',
        mode: 'lines',
        name: `mean ${labelName(cls, classNames)}`,
        x,
        y: curve.points.map((p) => p.mean_by_class[cls] ?? null),
        line: { dash: 'dot' },
      })),
    ];
  }, [curve, classNames]);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      height: 300,
      margin: { l: 60, r: 20, t: 10, b: 50 },
      xaxis: { type: 'log', title: { text: 'kept dims (log)' } },
      yaxis: { title: { text: 'correlation / class mean' } },
      legend: { orientation: 'h', y: -0.25 },
      shapes: [
        ...(current !== null ? [vline(current, '#c0392b', 'dash')] : []),
        ...(suggested !== null ? [vline(suggested, '#27ae60', 'dot')] : []),
      ],
    }),
    [current, suggested],
  );
  return (
    <Plot data={data} layout={layout} ariaLabel="Pruning curve: correlation and class means by kept dims" />
  );
}
