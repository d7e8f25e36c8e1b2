import type { Data, Layout } from 'plotly.js';
import { useMemo } from 'react';
import type { RewriteEffect } from '../../api/contract';
import { Plot } from '../../components/Plot';
import { guardCutoff, keepsAccuracy, meanP, selectedPoint, candidateAt } from '../../lib/rewrite-grid';

const COLORS: Record<string, string> = { '1': '#3f51b5', '-1': '#e65100' };
const colorOf = (ff: number) => COLORS[String(ff)] ?? '#555';

/** The traces: per feature factor, P(target) on both classes (left axis) and accuracy (right axis). */
export function effectTraces(effect: RewriteEffect): Data[] {
  const t = effect.target;
  const o = effect.other;
  const traces: Data[] = [];
  for (const ff of effect.feature_factors) {
    const points = effect.candidates
      .filter((c) => c.feature_factor === ff)
      .sort((a, b) => a.learning_rate - b.learning_rate);
    const x = points.map((c) => c.learning_rate);
    const sign = ff > 0 ? `+${ff}` : String(ff);
    const color = colorOf(ff);
    traces.push(
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `P(${t}) on ${t}s, ff ${sign}`,
        x,
        y: points.map((c) => meanP(c, t)),
        line: { color },
        hovertemplate: `lr %{x}<br>P(${t}) on ${t}s %{y:.6f}<extra>ff ${sign}</extra>`,
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `P(${t}) on ${o}s, ff ${sign}`,
        x,
        y: points.map((c) => meanP(c, o)),
        line: { color, dash: 'dash' },
        hovertemplate: `lr %{x}<br>P(${t}) on ${o}s %{y:.6f}<extra>ff ${sign}</extra>`,
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `accuracy, ff ${sign}`,
        x,
        y: points.map((c) => c.accuracy),
        yaxis: 'y2',
        line: { color, dash: 'dot', width: 1 },
        // A point below the accuracy guard is drawn hollow: it cannot be chosen.
        marker: {
          color,
          symbol: points.map((c) => (keepsAccuracy(effect, c) ? 'circle' : 'circle-open')),
          size: 7,
        },
        hovertemplate: `lr %{x}<br>accuracy %{y:.4f}<extra>ff ${sign}</extra>`,
      },
    );
  }
  for (const direction of ['strengthen', 'weaken'] as const) {
    const p = selectedPoint(effect, direction);
    const c = p && candidateAt(effect, p);
    if (!p || !c) continue;
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: `chosen: ${direction}`,
      x: [p.learningRate],
      // The quantity the choice maximised: P(target) on the other class, or on the target class.
      y: [direction === 'strengthen' ? meanP(c, o) : meanP(c, t)],
      marker: {
        symbol: 'star',
        size: 16,
        color: colorOf(p.featureFactor),
        line: { color: '#000', width: 1 },
      },
      hovertemplate: `${direction}: lr %{x}, ff ${p.featureFactor}<extra></extra>`,
    });
  }
  return traces;
}

export function RewriteEffectPlot({ effect }: { effect: RewriteEffect }) {
  const data = useMemo(() => effectTraces(effect), [effect]);
  const layout = useMemo<Partial<Layout>>(() => {
    const cutoff = guardCutoff(effect);
    return {
      height: 380,
      margin: { l: 60, r: 60, t: 10, b: 45 },
      legend: { orientation: 'h', y: -0.2 },
      xaxis: { type: 'log', title: { text: 'learning rate' } },
      yaxis: { title: { text: `mean P(${effect.target})` }, range: [0, 1] },
      yaxis2: { title: { text: 'accuracy' }, overlaying: 'y', side: 'right', range: [0, 1] },
      shapes: [
        {
          type: 'line',
          xref: 'paper',
          x0: 0,
          x1: 1,
          yref: 'y2',
          y0: cutoff,
          y1: cutoff,
          line: { color: '#2e7d32', width: 1, dash: 'dashdot' },
        },
      ],
      annotations: [
        {
          xref: 'paper',
          x: 1,
          xanchor: 'right',
          yref: 'y2',
          y: cutoff,
          yanchor: 'bottom',
          text: `accuracy guard ${effect.accuracy_guard * 100} % of base`,
          showarrow: false,
          font: { size: 11, color: '#2e7d32' },
        },
      ],
    };
  }, [effect]);
  return (
    <Plot
      data={data}
      layout={layout}
      ariaLabel={`Rewrite effect: mean P(${effect.target}) and accuracy over learning rate and feature factor`}
    />
  );
}
