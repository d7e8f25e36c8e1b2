import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Histogram } from '../../api/contract';
import type { PlotProps } from '../../components/Plot';
import { makeCurve, makeLabeledSet } from '../../test-support/evaluation';
import { fakeFetch, renderVersionView } from '../../test-support/render-view';
import { PrunePage } from './PrunePage';

const plots = vi.hoisted(() => new Map<string, PlotProps>());
vi.mock('../../components/Plot', () => ({
  Plot: (props: PlotProps) => {
    plots.set(props.ariaLabel, props);
    return <div aria-label={props.ariaLabel} />;
  },
  preloadPlot: () => undefined,
}));

const histogram: Histogram = {
  part: 'decoder-weight',
  scale: 'linear',
  bins: 2,
  edges: [0, 0.5, 1],
  counts: [50, 10],
  total: 60,
  zeros: 0,
  non_finite: 0,
  below_range: 0,
  above_range: 0,
  min: 0,
  max: 0.9,
  range: [0, 1],
  quantiles: {},
  quantile_ranges: {},
  exact: true,
  bucket_bits: 16,
};

// Unpruned correlation 0.8 at k = 60: 95 % of it (0.76) is first kept at k = 10.
const curve = makeCurve([
  [1, 0.1],
  [4, 0.5],
  [10, 0.77],
  [30, 0.79],
  [60, 0.8],
]);
const CURVE_LABEL = 'Pruning curve: correlation and class means by kept dims';

function api() {
  return fakeFetch((req) => {
    const p = req.url.pathname;
    if (p.endsWith('/importance/histogram')) return histogram;
    if (p.endsWith('/labeled-sets')) return { items: [makeLabeledSet()] };
    if (p.endsWith('/pruning-curve')) return curve;
    if (p.endsWith('/prune/preview')) return new Promise(() => undefined);
    return new Response('{}', { status: 404 });
  });
}

describe('the pruning curve beside the histogram', () => {
  beforeEach(() => plots.clear());
  afterEach(() => vi.restoreAllMocks());

  it('asks for the curve of the page’s part on the first set and plots correlation and class means on log x', async () => {
    const calls = api();
    renderVersionView(<PrunePage />, { url: '/v?k=30' });
    await screen.findByTestId('pruning-curve');
    const ask = calls.find((c) => c.url.pathname.endsWith('/pruning-curve'));
    expect(Object.fromEntries(ask?.url.searchParams ?? [])).toEqual({
      set: 'digits-test',
      part: 'decoder-weight',
    });
    const plot = plots.get(CURVE_LABEL);
    expect(plot?.layout.xaxis?.type).toBe('log');
    expect(plot?.data.map((d) => d.name)).toEqual(['correlation', 'mean −1', 'mean +1']);
    expect(plot?.data[0]).toMatchObject({ x: [1, 4, 10, 30, 60], y: [0.1, 0.5, 0.77, 0.79, 0.8] });
    // The current top-k (30) and the suggestion (10) are marked.
    expect(plot?.layout.shapes?.map((s) => s.x0)).toEqual([30, 10]);
  });

  it('suggests the smallest k keeping ≥ X % and fills the top-k field with it', async () => {
    api();
    renderVersionView(<PrunePage />, { url: '/v?k=30' });
    const suggestion = await screen.findByTestId('curve-suggestion');
    expect(suggestion).toHaveAttribute('data-k', '10');
    fireEvent.change(screen.getByLabelText('Keep percent'), { target: { value: '60' } });
    await waitFor(() => expect(screen.getByTestId('curve-suggestion')).toHaveAttribute('data-k', '4'));
    fireEvent.click(screen.getByRole('button', { name: 'Use k = 4' }));
    await waitFor(() => expect(screen.getByLabelText('Top-k')).toHaveValue('4'));
    expect(plots.get(CURVE_LABEL)?.layout.shapes?.map((s) => s.x0)).toEqual([4, 4]);
  });

  it('points to the Evaluate tab when no set serves the version', async () => {
    fakeFetch((req) => {
      if (req.url.pathname.endsWith('/labeled-sets')) return { items: [] };
      if (req.url.pathname.endsWith('/importance/histogram')) return histogram;
      return new Promise(() => undefined);
    });
    renderVersionView(<PrunePage />);
    expect(await screen.findByText(/upload one on the Evaluate tab/)).toBeInTheDocument();
  });
});
