import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CompareResult } from '../../api/contract';
import { fakeFetch, makeModel, makeVersion } from '../../test-support/render-view';
import { ComparePage } from './ComparePage';

const v1 = makeVersion({
  name: 'm',
  version: 1,
  input_dim: 100_000,
  unpruned_length: 100_000,
  base_model: 'bert',
});
const v2 = makeVersion({
  name: 'm',
  version: 2,
  input_dim: 1000,
  unpruned_length: 100_000,
  base_model: 'bert',
  parent: { name: 'm', version: 1 },
  operation: 'prune',
});
const other = makeVersion({
  name: 'gpt',
  version: 1,
  input_dim: 5000,
  unpruned_length: 7000,
  base_model: 'gpt2',
});

function api() {
  return fakeFetch((req) => {
    const path = req.url.pathname;
    if (path === '/api/models')
      return { items: [makeModel([v1, v2]), makeModel([other])], total: 2, limit: 500, offset: 0 };
    if (path === '/api/models/m') return makeModel([v1, v2]);
    if (path === '/api/models/gpt') return makeModel([other]);
    const result: CompareResult = {
      a: req.url.searchParams.get('a') ?? '',
      b: req.url.searchParams.get('b') ?? '',
      part: 'decoder-weight',
      k: 10,
      size_a: 10,
      size_b: 10,
      intersection: 5,
      union: 15,
      iou: 1 / 3,
      params: [{ name: 'w', a: 10, b: 10, intersection: 5 }],
    };
    return result;
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

describe('ComparePage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('defaults k to one count for both versions (1 % of the smaller), not 1 % of each', async () => {
    const calls = api();
    show('/compare?a=m@1&b=m@2');
    await screen.findByTestId('compare-result');
    const compares = calls.filter((c) => c.url.pathname === '/api/compare');
    expect(compares.map((c) => c.url.searchParams.get('k'))).toEqual(['10']);
    expect(screen.getByRole('textbox', { name: 'k' })).toHaveValue('10');
    expect(screen.getByTestId('param-iou')).toHaveTextContent('0.333');
  });

  it('says what a fraction k means for two versions of different size', async () => {
    api();
    show('/compare?a=m@1&b=m@2&k=1%25');
    const note = await screen.findByTestId('fraction-note');
    expect(note).toHaveTextContent('1,000 dims of m@1 but 10 of m@2');
  });

  it('warns that versions over different base models cannot overlap', async () => {
    api();
    show('/compare?a=m@1&b=gpt@1');
    expect(await screen.findByTestId('base-warning')).toHaveTextContent('over bert');
  });
});
