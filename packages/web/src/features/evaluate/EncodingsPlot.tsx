import type { Data, Layout } from 'plotly.js';
import { useMemo } from 'react';
import { Plot } from '../../components/Plot';
import type { ClassEncodings } from './scorecard';

/** Each class's encodings as a box with every sample drawn beside it (strip), ±0.5 boundaries marked. */
export function EncodingsPlot({ groups, dim }: { groups: readonly ClassEncodings[]; dim: number }) {
  const data = useMemo<Data[]>(
    () =>
      groups.map((g) => ({
        type: 'box' as const,
        name: g.name,
        y: g.values,
        text: g.ids,
        boxpoints: 'all' as const,
        jitter: 0.4,
        pointpos: 0,
        hovertemplate: '%{text}<br>%{y:.4f}<extra>%{fullData.name}</extra>',
      })),
    [groups],
  );
  const layout = useMemo<Partial<Layout>>(
    () => ({
      height: 320,
      margin: { l: 60, r: 20, t: 10, b: 60 },
      yaxis: { title: { text: `encoding (latent ${dim})` }, zeroline: true },
      showlegend: false,
      shapes: [-0.5, 0.5].map((y) => ({
        type: 'line' as const,
        xref: 'paper' as const,
        x0: 0,
        x1: 1,
        y0: y,
        y1: y,
        line: { dash: 'dot' as const, width: 1, color: '#888' },
      })),
    }),
    [dim],
  );
  return <Plot data={data} layout={layout} ariaLabel={`Encodings per class, latent ${dim}`} />;
}
