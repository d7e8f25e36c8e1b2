import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Heatmap } from '../../api/contract';
import { fakeFetch, makeVersion, renderVersionView } from '../../test-support/render-view';
import { drawnPlots, lastPlot } from '../../test-support/recorded-plot';
import { HeatmapPage } from './HeatmapPage';

vi.mock('../../components/Plot', () => import('../../test-support/recorded-plot'));

const version = makeVersion({
  param_map: [
    { name: 'enc.layer.0.w', shape: [300, 8], numel: 2400, repr: 'all', num_selected: 2400 },
    { name: 'enc.layer.0.b', shape: [300], numel: 300, repr: 'all', num_selected: 3 },
    { name: 'head.w', shape: [2, 8], numel: 16, repr: 'all', num_selected: 16 },
  ],
});

function heatmapOf(
  param: string,
  shape: number[],
  rows: number,
  cols: number,
  rowBin: number,
  colBin: number,
): Heatmap {
  const grid = (v: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => v));
  return {
    param,
    part: 'decoder-weight',
    shape,
    matrix_shape: shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!],
    rows,
    cols,
    row_bin: rowBin,
    col_bin: colBin,
    agg: 'max',
    values: grid(0.5),
    coverage: grid(0.01),
    min: 0.5,
    max: 0.5,
  };
}

function api() {
  return fakeFetch((req) => {
    const param = decodeURIComponent(req.url.pathname.split('/params/')[1]!.split('/')[0]!);
    if (param === 'enc.layer.0.w') return heatmapOf(param, [300, 8], 3, 8, 100, 1);
    return heatmapOf(param, [300], 1, 3, 1, 100);
  });
}

describe('HeatmapPage', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    drawnPlots.length = 0;
  });

  it("puts the parameter's own row and column indices on the axes, not pooled-cell numbers", async () => {
    api();
    renderVersionView(<HeatmapPage />, { version, url: '/v?param=enc.layer.0.w' });
    await screen.findByTestId('plot');
    const trace = lastPlot().data[0] as { x: number[]; y: number[] };
    expect(trace.y).toEqual([0, 100, 200]);
    expect(trace.x).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(lastPlot().layout.yaxis?.title).toEqual({ text: 'row (cells of 100)' });
    expect(lastPlot().layout.xaxis?.title).toEqual({ text: 'column' });
  });

  it('draws a 1-D bias as one strip without a row axis', async () => {
    api();
    renderVersionView(<HeatmapPage />, { version, url: '/v?param=enc.layer.0.b' });
    await screen.findByTestId('plot');
    expect(lastPlot().layout.yaxis?.visible).toBe(false);
    expect(lastPlot().layout.xaxis?.title).toEqual({ text: 'index (cells of 100)' });
  });

  it('scales the coverage colours to the largest coverage, so a 1 % model is not uniformly dark', async () => {
    api();
    renderVersionView(<HeatmapPage />, { version, url: '/v?param=enc.layer.0.w&view=coverage' });
    await screen.findByTestId('plot');
    expect(lastPlot().data[0]).toMatchObject({ zmin: 0, zmax: 0.01 });
  });

  it('says an unknown ?param= is unknown, requests nothing and shows nothing selected', async () => {
    const calls = api();
    renderVersionView(<HeatmapPage />, { version, url: '/v?param=gone.weight' });
    expect(screen.getByRole('alert')).toHaveTextContent('no parameter named “gone.weight”');
    const list = screen.getByRole('listbox', { name: 'Parameter' }) as HTMLSelectElement;
    expect([...list.selectedOptions].filter((o) => !o.hidden)).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(0);
  });

  it('finds parameters in a long list by search', async () => {
    api();
    renderVersionView(<HeatmapPage />, { version, url: '/v?param=head.w' });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Find a parameter' }), {
      target: { value: 'layer 0' },
    });
    const list = screen.getByRole('listbox', { name: 'Parameter' });
    await waitFor(() =>
      expect(
        within(list)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['enc.layer.0.w', 'enc.layer.0.b']),
    );
  });
});
