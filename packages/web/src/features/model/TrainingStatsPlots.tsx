import type { Data, Layout } from 'plotly.js';
import { useMemo } from 'react';
import { Plot } from '../../components/Plot';
import type { StepSeries, TrainingStats } from '../../lib/training-stats';

function traces(series: readonly StepSeries[]): Data[] {
  return series.map((s) => ({
    type: 'scatter' as const,
    mode: 'lines+markers' as const,
    name: s.name,
    x: s.steps,
    y: s.values,
  }));
}

/** A dashed vertical line at the best step, labelled, on every panel. */
function bestMark(best: TrainingStats['best']): Partial<Layout> {
  if (!best) return {};
  const label = `best step ${best.step}${best.correlation === null ? '' : ` (corr ${best.correlation.toFixed(3)})`}`;
  return {
    shapes: [
      {
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: best.step,
        x1: best.step,
        y0: 0,
        y1: 1,
        line: { dash: 'dash', width: 1, color: '#c0392b' },
      },
    ],
    annotations: [
      { x: best.step, xref: 'x', y: 1, yref: 'paper', text: label, showarrow: false, yanchor: 'bottom' },
    ],
  };
}

function panelLayout(yTitle: string, best: TrainingStats['best'], legend: boolean): Partial<Layout> {
  return {
    height: 220,
    margin: { l: 60, r: 20, t: 24, b: 40 },
    xaxis: { title: { text: 'step' } },
    yaxis: { title: { text: yTitle } },
    showlegend: legend,
    ...bestMark(best),
  };
}

/** training.json's step statistics: the evaluated correlation, the class means, the weight norms. */
export function TrainingStatsPlots({ stats }: { stats: TrainingStats }) {
  const panels = useMemo(() => {
    const out: { key: string; title: string; data: Data[]; layout: Partial<Layout> }[] = [];
    if (stats.scores) {
      const points = traces([stats.scores]);
      if (stats.best && stats.best.correlation !== null) {
        points.push({
          type: 'scatter',
          mode: 'markers',
          name: 'best',
          x: [stats.best.step],
          y: [stats.best.correlation],
          marker: { size: 12, symbol: 'star', color: '#c0392b' },
        });
      }
      out.push({
        key: 'score',
        title: 'Correlation (score) by step',
        data: points,
        layout: panelLayout('correlation', stats.best, true),
      });
    }
    if (stats.classMeans.length > 0) {
      out.push({
        key: 'means',
        title: 'Mean encoding by class',
        data: traces(stats.classMeans),
        layout: panelLayout('mean encoding', stats.best, true),
      });
    }
    if (stats.norms.length > 0) {
      out.push({
        key: 'norms',
        title: 'Encoder / decoder weight norms',
        data: traces(stats.norms),
        layout: panelLayout('L2 norm', stats.best, true),
      });
    }
    return out;
  }, [stats]);
  return (
    <div data-testid="training-stats">
      {stats.best && (
        <p className="muted" data-testid="training-best">
          Best checkpoint: step {stats.best.step}
          {stats.best.correlation === null ? '' : `, correlation ${stats.best.correlation.toFixed(4)}`}{' '}
          (dashed line).
        </p>
      )}
      {panels.map((p) => (
        <figure key={p.key} className="plot-panel">
          <figcaption>{p.title}</figcaption>
          <Plot data={p.data} layout={p.layout} ariaLabel={p.title} />
        </figure>
      ))}
    </div>
  );
}
