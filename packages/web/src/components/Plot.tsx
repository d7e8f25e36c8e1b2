import { Suspense, lazy } from 'react';
import type { PlotlyChartProps } from './PlotlyChart';
import { Loading } from './Status';

// plotly.js is ~4.5 MB: load it only when a view draws a plot, never with the registry page.
const loadChart = () => import('./PlotlyChart');
const PlotlyChart = lazy(loadChart);

/** Starts fetching plotly while a plotting view waits for its data, so the two overlap. */
export function preloadPlot(): void {
  void loadChart();
}

export type PlotProps = PlotlyChartProps;

export function Plot(props: PlotProps) {
  return (
    <Suspense fallback={<Loading what="plot library" />}>
      <PlotlyChart {...props} />
    </Suspense>
  );
}
