import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CrossEncodingResponse } from '../../api/contract';
import { makeJob, makeLabeledSet } from '../../test-support/evaluation';
import { fakeFetch, makeModel, makeVersion, type FakeRequest } from '../../test-support/render-view';
import { drawnPlots, hoverPlot, lastPlot } from '../../test-support/recorded-plot';
import { ComparePage } from './ComparePage';

vi.mock('../../components/Plot', () => import('../../test-support/recorded-plot'));

const bert = [{ name: 'enc.w', shape: [4, 2], numel: 8, repr: 'all' as const, num_selected: 8 }];
const g1 = makeVersion({ name: 'gender', version: 1, base_model: 'bert', param_map: bert });
const r1 = makeVersion({ name: 'race', version: 1, base_model: 'bert', param_map: bert });
const ID = '0b6f3c1e-0000-4000-8000-0000000000ce';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Two models with one labeled set each; POST /compare/cross-encoding answered by `cross`. */
function api(cross: (req: FakeRequest) => unknown) {
  return fakeFetch((req) => {
    const path = req.url.pathname;
    if (path === '/api/models')
      return { items: [makeModel([g1]), makeModel([r1])], total: 2, limit: 500, offset: 0 };
    if (path === '/api/models/gender') return makeModel([g1]);
    if (path === '/api/models/race') return makeModel([r1]);
    if (path === '/api/models/gender/labeled-sets')
      return { items: [makeLabeledSet({ model: 'gender', name: 'eval' })] };
    if (path === '/api/models/race/labeled-sets')
      return { items: [makeLabeledSet({ model: 'race', name: 'eval' })] };
    if (path === '/api/compare/cross-encoding') return cross(req);
    if (path === `/api/jobs/${ID}`) return makeJob(ID, 'cross-encoding', 'done');
    throw new Error(`unexpected ${req.method} ${path}`);
  });
}

function show(url: string) {
  const router = createMemoryRouter([{ path: '/compare', element: <ComparePage /> }], {
    initialEntries: [url],
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

function response(patch: Partial<CrossEncodingResponse>): CrossEncodingResponse {
  const rows = patch.rows ?? ['gender@1', 'race@1'];
  const columns = patch.columns ?? ['gender/eval', 'race/eval'];
  const matrix = patch.matrix ?? rows.map(() => columns.map(() => 0));
  return {
    measure: 'cross_encoding_positive_mean',
    metric: 'positive_mean',
    rows,
    row_versions: rows.map((r) => [r]),
    columns,
    matrix,
    available_mask: matrix.map((row) => row.map((v) => v !== null)),
    n_matrix: matrix.map((row) => row.map((v) => (v === null ? 0 : 1))),
    cell_stats: matrix.map((row) =>
      row.map((v) => (v === null ? null : { aggregate: v, n: 1, min: v, max: v, scores: [v] })),
    ),
    seed_aggregate: 'mean',
    dispersion: 'none',
    multi_seed: false,
    row_normalized_by_diagonal: false,
    unavailable: [],
    ...patch,
  };
}

const check = async (name: string) =>
  userEvent.click(await screen.findByRole('checkbox', { name: new RegExp(`^${name}`) }));

describe('Compare: cross-encoding', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    drawnPlots.length = 0;
  });

  it('sends the picked rows, sets and options, follows the job and reads the hovered cell', async () => {
    const matrix = [
      [1, 0.25],
      [-0.125, 1],
    ];
    const result = response({
      matrix,
      row_normalized_by_diagonal: true,
      measure: 'cross_encoding_positive_mean_row_normalized',
    });
    const calls = api((req) =>
      req.method === 'POST' ? json({ ...makeJob(ID, 'cross-encoding', 'queued'), result: null }, 202) : null,
    );
    const inner = vi.mocked(globalThis.fetch).getMockImplementation()!;
    vi.mocked(globalThis.fetch).mockImplementation(async (input, init) =>
      new URL(String(input), 'http://test').pathname === `/api/jobs/${ID}/result`
        ? json(result)
        : inner(input, init),
    );
    show('/compare?view=cross');
    expect(
      await screen.findByRole('heading', { name: 'Cross-encoding of labeled sets' }),
    ).toBeInTheDocument();
    const normalize = screen.getByRole('checkbox', { name: 'Normalize by diagonal' });
    expect(normalize).toBeDisabled();
    expect(screen.getByTestId('normalize-blocked')).toHaveTextContent('Pick rows and columns first.');

    await check('gender@1');
    await check('race@1');
    await check('race/eval');
    await check('gender/eval');
    // race/eval first: row 1 (gender@1) would be divided by another model's set.
    expect(normalize).toBeDisabled();
    expect(screen.getByTestId('normalize-blocked')).toHaveTextContent(
      'Row 1 (gender@1) is not a version of race, which owns column 1 (race/eval)',
    );
    await check('race/eval');
    await check('race/eval');
    expect(normalize).toBeEnabled();
    expect(screen.queryByTestId('normalize-blocked')).toBeNull();
    await userEvent.click(normalize);
    await userEvent.selectOptions(screen.getByLabelText('Metric'), 'positive_mean');
    await userEvent.click(screen.getByRole('button', { name: 'Compute 2×2 matrix' }));

    await screen.findByTestId('cross-result');
    const posted = calls.find((c) => c.url.pathname === '/api/compare/cross-encoding')!;
    expect(posted.url.searchParams.get('wait')).toBe('2');
    expect(posted.body).toEqual({
      rows: ['gender@1', 'race@1'],
      columns: [
        { model: 'gender', set: 'eval' },
        { model: 'race', set: 'eval' },
      ],
      metric: 'positive_mean',
      normalize: true,
    });
    const trace = lastPlot().data[0] as { z: number[][]; x: string[]; y: string[] };
    expect(trace.z).toEqual(matrix);
    expect(trace.x).toEqual(result.columns);
    expect(trace.y).toEqual(result.rows);
    expect(screen.getByTestId('cross-result')).toHaveTextContent('each row divided by its diagonal cell');

    hoverPlot('race/eval', 'gender@1');
    const readout = screen.getByTestId('matrix-readout');
    expect(readout).toHaveAttribute('data-row', '0');
    expect(readout).toHaveAttribute('data-col', '1');
    expect(Number(readout.getAttribute('data-value'))).toBe(matrix[0]![1]);
    expect(readout).toHaveTextContent('gender@1 on race/eval: 0.2500');
  });

  it('draws a row × column matrix whose empty cells say why on hover', async () => {
    const detail = "gender@1 reads dims race/eval's root pruned away";
    const calls = api(() =>
      response({
        rows: ['gender@1'],
        matrix: [[0.5, null]],
        unavailable: [{ row: 0, column: 1, detail }],
      }),
    );
    show('/compare?view=cross&pick=gender%401&cols=gender%2Feval,race%2Feval');
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Allow incomplete' }));
    await userEvent.click(screen.getByRole('button', { name: 'Compute 1×2 matrix' }));
    await screen.findByTestId('cross-result');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      rows: ['gender@1'],
      columns: [
        { model: 'gender', set: 'eval' },
        { model: 'race', set: 'eval' },
      ],
      metric: 'positive_mean',
      allow_incomplete: true,
    });
    expect(screen.getByTestId('normalize-blocked')).toHaveTextContent('1 rows, 2 columns');
    expect(screen.getByTestId('matrix-heatmap')).toHaveAttribute('data-columns', '2');
    const trace = lastPlot().data[0] as unknown as {
      z: (number | null)[][];
      text: string[][];
      customdata: string[][];
    };
    expect(trace.z).toEqual([[0.5, null]]);
    expect(trace.text[0]![1]).toBe('');
    expect(trace.customdata[0]![1]).toContain(detail);
    expect(screen.getByTestId('cross-result')).toHaveTextContent('1 cell unavailable');

    hoverPlot('race/eval', 'gender@1');
    const readout = screen.getByTestId('matrix-readout');
    expect(readout).toHaveAttribute('data-value', '');
    expect(readout).toHaveTextContent(`gender@1 on race/eval: — (${detail})`);
    hoverPlot('gender/eval', 'gender@1');
    await waitFor(() => expect(screen.getByTestId('matrix-readout')).toHaveAttribute('data-value', '0.5'));
  });

  it('is the third view of the Compare page, reached from its tabs', async () => {
    api(() => {
      throw new Error('nothing computed here');
    });
    show('/compare');
    await userEvent.click(await screen.findByRole('link', { name: 'Cross-encoding' }));
    expect(
      await screen.findByRole('heading', { name: 'Cross-encoding of labeled sets' }),
    ).toBeInTheDocument();
    expect(await screen.findAllByTestId('cross-model-sets')).toHaveLength(2);
  });
});
