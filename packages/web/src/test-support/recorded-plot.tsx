// A stand-in for components/Plot that records what each render would draw, for component tests:
//   vi.mock('../../components/Plot', () => import('../../test-support/recorded-plot'));
import { act } from '@testing-library/react';
import type { Data, Layout, PlotMouseEvent } from 'plotly.js';

export interface DrawnPlot {
  data: Data[];
  layout: Partial<Layout>;
  onHover?: (e: PlotMouseEvent) => void;
}

/** Every render's props, oldest first; tests empty it in `afterEach` (`drawnPlots.length = 0`). */
export const drawnPlots: DrawnPlot[] = [];

export function Plot(props: DrawnPlot) {
  drawnPlots.push(props);
  return <div data-testid="plot" />;
}

export function preloadPlot(): void {}

/** The latest render's props. */
export function lastPlot(): DrawnPlot {
  const last = drawnPlots[drawnPlots.length - 1];
  if (!last) throw new Error('nothing was plotted');
  return last;
}

/** Hovers the point at (x, y) of the latest render, as plotly reports a hover. */
export function hoverPlot(x: string, y: string): void {
  act(() => lastPlot().onHover?.({ points: [{ x, y }] } as unknown as PlotMouseEvent));
}
