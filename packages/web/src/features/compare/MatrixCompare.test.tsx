import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job, SimilarityMatrixResponse } from '../../api/contract';
import { fakeFetch, makeModel, makeVersion, type FakeRequest } from '../../test-support/render-view';
import { drawnPlots, hoverPlot, lastPlot } from '../../test-support/recorded-plot';
import { ComparePage } from './ComparePage';

vi.mock('../../components/Plot', () => import('../../test-support/recorded-plot'));

const bert = [{ name: 'enc.w', shape: [4, 2], numel: 8, repr: 'all' as const, num_selected: 8 }];
const gpt = [{ name: 'h.w', shape: [3], numel: 3, repr: 'all' as const, num_selected: 3 }];
const m1 = makeVersion({ name: 'm', version: 1, base_model: 'bert', param_map: bert, tags: ['seedA'] });
const m2 = makeVersion({ name: 'm', version: 2, base_model: 'bert', param_map: bert, tags: ['seedA'] });
const n1 = makeVersion({ name: 'n', version: 1, base_model: 'bert', param_map: bert, tags: ['seedB'] });
const n2 = makeVersion({ name: 'n', version: 2, base_model: 'bert', param_map: bert, tags: ['seedB'] });
const g1 = makeVersion({ name: 'g', version: 1, base_model: 'gpt2', param_map: gpt });

const ID = '0b6f3c1e-0000-4000-8000-000000000009';
const doneJob: Job = {
  id: ID,
  kind: 'similarity-matrix',
  state: 'done',
  model: null,
  version: null,
  progress: { fraction: 1, message: 'done' },
  attempts: 1,
  max_attempts: 3,
  created_at: '2026-01-01T00:00:00.000Z',
  created_by: 'anonymous',
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:03.000Z',
  updated_at: '2026-01-01T00:00:03.000Z',
  elapsed_ms: 3000,
  cancelled_by: null,
  result: {
    href: `/api/jobs/${ID}/result`,
    content_type: 'application/json',
    size: 1,
    sha256: 'a'.repeat(64),
  },
  error: null,
  href: `/api/jobs/${ID}`,
};

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

/** The registry above; POST /compare/matrix answered by `matrix`. */
function api(matrix: (req: FakeRequest) => unknown) {
  return fakeFetch((req) => {
    const path = req.url.pathname;
    if (path === '/api/models')
      return {
        items: [makeModel([m1, m2]), makeModel([n1, n2]), makeModel([g1])],
        total: 3,
        limit: 500,
        offset: 0,
      };
    if (path === '/api/models/m') return makeModel([m1, m2]);
    if (path === '/api/models/n') return makeModel([n1, n2]);
    if (path === '/api/models/g') return makeModel([g1]);
    if (path === '/api/compare/matrix') return matrix(req);
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
  return router;
}

const plain = (ids: string[], matrix: number[][]): SimilarityMatrixResponse => ({
  kind: 'matrix',
  models: ids.map((id) => ({ id, versions: [id] })),
  measure: 'cosine',
  model_ids: ids,
  part: 'encoder-weight',
  topk: null,
  matrix,
});

async function pick(...labels: string[]) {
  for (const label of labels)
    await userEvent.click(await screen.findByRole('checkbox', { name: new RegExp(`^${label}`) }));
}

describe('Compare: similarity matrix', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    drawnPlots.length = 0;
  });

  it('lists versions per base parameter space, computes through the job and reads the hovered cell', async () => {
    const ids = ['m@1', 'm@2', 'n@1'];
    const matrix = [
      [1, 0.25, -0.5],
      [0.25, 1, 0.125],
      [-0.5, 0.125, 1],
    ];
    const calls = fakeFetchWithJob(ids, matrix);
    show('/compare?view=matrix');
    await waitFor(() =>
      expect(
        screen.getAllByTestId('matrix-space').map((s) => within(s).getAllByRole('checkbox').length),
      ).toEqual([4, 1]),
    );
    const spaces = screen.getAllByTestId('matrix-space');
    expect(spaces[1]).toHaveTextContent('gpt2 (1 parameter, 60 dims)');
    await pick('m@1', 'm@2', 'n@1');
    await userEvent.click(screen.getByRole('button', { name: 'Compute 3×3 matrix' }));

    await screen.findByTestId('matrix-result');
    const posted = calls.find((c) => c.url.pathname === '/api/compare/matrix')!;
    expect(posted.url.searchParams.get('wait')).toBe('2');
    expect(posted.body).toEqual({ models: ids, measure: 'cosine' });
    // 202 → the job (done at the first look) → its stored result.
    expect(calls.map((c) => c.url.pathname)).toEqual(
      expect.arrayContaining([`/api/jobs/${ID}`, `/api/jobs/${ID}/result`]),
    );
    const trace = lastPlot().data[0] as { z: number[][]; x: string[]; y: string[]; text: string[][] };
    expect(trace.z).toEqual(matrix);
    expect(trace.x).toEqual(ids);
    expect(trace.text[0]![2]).toBe('-0.5000');

    hoverPlot('n@1', 'm@1');
    const readout = screen.getByTestId('matrix-readout');
    expect(readout).toHaveAttribute('data-row', '0');
    expect(readout).toHaveAttribute('data-col', '2');
    expect(Number(readout.getAttribute('data-value'))).toBe(matrix[0]![2]);
    expect(readout).toHaveTextContent('m@1 vs n@1: -0.5000');
  });

  it('takes tags as seed groups and shows n, aggregate and dispersion of the hovered cell', async () => {
    const calls = api(() => ({
      ...plain(
        ['seedA', 'seedB'],
        [
          [1, 0.5],
          [0.5, 1],
        ],
      ),
      models: [
        { id: 'seedA', versions: ['m@1', 'm@2'] },
        { id: 'seedB', versions: ['n@1', 'n@2'] },
      ],
      seed_aggregate: 'mean',
      dispersion: 'std',
      multi_seed: true,
      global_n: 4,
      n_matrix: [
        [4, 4],
        [4, 4],
      ],
      cell_stats: [
        [
          { aggregate: 1, n: 4, min: 1, max: 1, scores: [1, 1, 1, 1], std: 0 },
          { aggregate: 0.5, n: 4, min: 0.25, max: 0.75, scores: [0.25, 0.5, 0.5, 0.75], std: 0.1768 },
        ],
        [
          { aggregate: 0.5, n: 4, min: 0.25, max: 0.75, scores: [0.25, 0.5, 0.5, 0.75], std: 0.1768 },
          { aggregate: 1, n: 4, min: 1, max: 1, scores: [1, 1, 1, 1], std: 0 },
        ],
      ],
    }));
    show('/compare?view=matrix&rows=seeds');
    await pick('seedA', 'seedB');
    expect(screen.getByLabelText('Group by')).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Compute 2×2 matrix' }));
    await screen.findByTestId('matrix-result');
    expect(calls.find((c) => c.url.pathname === '/api/compare/matrix')!.body).toEqual({
      models: [
        { id: 'seedA', refs: ['m@2', 'm@1'] },
        { id: 'seedB', refs: ['n@2', 'n@1'] },
      ],
      measure: 'cosine',
      seed_aggregate: 'mean',
      dispersion: 'std',
    });
    expect(screen.getByTestId('matrix-result')).toHaveTextContent('4 seed pairs per cell');
    hoverPlot('seedB', 'seedA');
    expect(screen.getByTestId('matrix-readout')).toHaveTextContent(
      'seedA vs seedB: 0.5000 (n = 4 · mean = 0.5000 · std = 0.1768 · min 0.2500, max 0.7500)',
    );
  });

  it('says in plain words why versions of different base parameter spaces are refused', async () => {
    api(() =>
      json(
        {
          type: 'about:blank',
          title: 'GRADIENDs cannot be compared as asked',
          status: 422,
          code: 'GRADIEND_ERR_COMPARISON',
          detail:
            "models 'm@1' and 'g@1' map different base parameter spaces (parameter 0: enc.w [4, 2] vs h.w [3])",
        },
        422,
      ),
    );
    show('/compare?view=matrix');
    await pick('m@1', 'g@1');
    await userEvent.click(screen.getByRole('button', { name: 'Compute 2×2 matrix' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('trained on different base parameters');
    expect(alert).toHaveTextContent('HTTP 422');
    expect(screen.queryByTestId('matrix-result')).toBeNull();
  });

  it('asks for a k before comparing top-k sets, and sends it with the chosen part', async () => {
    const calls = api(() => ({
      ...plain(
        ['m@1', 'm@2'],
        [
          [1, 0.5],
          [0.5, 1],
        ],
      ),
      measure: 'topk_overlap',
    }));
    show('/compare?view=matrix&measure=topk_overlap');
    await pick('m@1', 'm@2');
    const compute = screen.getByRole('button', { name: 'Compute 2×2 matrix' });
    expect(compute).toBeDisabled();
    expect(screen.getByRole('alert')).toHaveTextContent('give a k');
    await userEvent.type(screen.getByRole('textbox', { name: 'k' }), '1%');
    await userEvent.selectOptions(screen.getByLabelText('Part'), 'decoder-bias');
    await userEvent.click(compute);
    await screen.findByTestId('matrix-result');
    expect(calls.find((c) => c.url.pathname === '/api/compare/matrix')!.body).toEqual({
      models: ['m@1', 'm@2'],
      measure: 'topk_overlap',
      part: 'decoder-bias',
      topk: { fraction: 0.01 },
    });
  });

  it('draws one matrix per parameter group, chosen from a list', async () => {
    const ids = ['m@1', 'n@1'];
    const group = (name: string, c: number) => ({
      measure: 'cosine',
      group: name,
      group_by: 'param',
      model_ids: ids,
      matrix: [
        [1, c],
        [c, 1],
      ],
      part: 'encoder-weight',
      topk: null,
    });
    const calls = api(() => ({
      kind: 'grouped',
      models: ids.map((id) => ({ id, versions: [id] })),
      measure: 'cosine',
      model_ids: ids,
      part: 'encoder-weight',
      topk: null,
      group_by: 'param',
      groups: { 'enc.w': group('enc.w', 0.5), 'enc.b': group('enc.b', -0.25) },
    }));
    show('/compare?view=matrix&group=param');
    await pick('m@1', 'n@1');
    await userEvent.click(screen.getByRole('button', { name: 'Compute 2×2 matrix' }));
    await screen.findByTestId('matrix-result');
    expect(calls.find((c) => c.url.pathname === '/api/compare/matrix')!.body).toMatchObject({
      group_by: 'param',
    });
    expect((lastPlot().data[0] as { z: number[][] }).z[0]![1]).toBe(0.5);
    await userEvent.selectOptions(screen.getByLabelText('Parameter group'), 'enc.b');
    await waitFor(() => expect((lastPlot().data[0] as { z: number[][] }).z[0]![1]).toBe(-0.25));
    expect(screen.getByTestId('matrix-heatmap')).toHaveAttribute('data-group', 'enc.b');
  });

  it('keeps the two-version view (and its link target) at /compare', async () => {
    api(() => {
      throw new Error('no matrix here');
    });
    show('/compare');
    expect(await screen.findByRole('heading', { name: 'Compare two versions' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'Similarity matrix' }));
    expect(await screen.findByRole('heading', { name: 'Compare many versions' })).toBeInTheDocument();
  });
});

/** The registry, a 202 for the matrix, the job done at the first look, and its result. */
function fakeFetchWithJob(ids: string[], matrix: number[][]) {
  const calls = api(() => json({ ...doneJob, state: 'queued', result: null }, 202));
  const inner = vi.mocked(globalThis.fetch).getMockImplementation()!;
  vi.mocked(globalThis.fetch).mockImplementation(async (input, init) => {
    const path = new URL(String(input), 'http://test').pathname;
    if (path === `/api/jobs/${ID}` || path === `/api/jobs/${ID}/result`) {
      calls.push({
        method: 'GET',
        url: new URL(String(input), 'http://test'),
        body: undefined,
        signal: undefined,
      });
      return json(path.endsWith('/result') ? plain(ids, matrix) : doneJob);
    }
    return inner(input, init);
  });
  return calls;
}
