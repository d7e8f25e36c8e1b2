import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../api/jobs';
import { AnalysisJobBanner } from './AnalysisJobBanner';

const ID = '0b6f3c1e-0000-4000-8000-00000000000a';

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: ID,
    kind: 'analysis-summary',
    state: 'running',
    model: 'm',
    version: 2,
    progress: { fraction: 0.25, message: 'importance and summary of encoder-weight' },
    attempts: 1,
    max_attempts: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'alice',
    started_at: new Date(Date.now() - 3_000).toISOString(),
    finished_at: null,
    updated_at: '2026-01-01T00:00:01.000Z',
    elapsed_ms: 3_000,
    cancelled_by: null,
    result: null,
    error: null,
    href: `/api/jobs/${ID}`,
    ...overrides,
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function mockApi(handlers: Record<string, () => Response>): string[] {
  const calls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const key = `${init?.method ?? 'GET'} ${url}`;
    calls.push(key);
    const handler = handlers[key];
    if (!handler) throw new Error(`unexpected fetch ${key}`);
    return handler();
  });
  return calls;
}

function Search() {
  return <p data-testid="search">{useLocation().search}</p>;
}

function renderAt(path: string, version = 2) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route
            path="/models/m/v/:ref"
            element={
              <>
                <AnalysisJobBanner name="m" version={version} />
                <Search />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return client;
}

afterEach(() => vi.restoreAllMocks());

describe('AnalysisJobBanner', () => {
  it("follows the version's running analysis job, puts it in the URL and cancels it", async () => {
    const calls = mockApi({
      'GET /api/jobs?model=m&limit=10': () =>
        json({
          items: [job({ id: 'other-version', version: 1 }), job(), job({ id: 'prune-1', kind: 'prune' })],
        }),
      [`GET /api/jobs/${ID}`]: () => json(job()),
      [`DELETE /api/jobs/${ID}`]: () => json(job({ state: 'cancelled', cancelled_by: 'alice' })),
    });
    renderAt('/models/m/v/2');
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('First analysis of v2');
    expect(status).toHaveTextContent('Running');
    expect(status).toHaveTextContent('25%');
    expect(status).toHaveTextContent('importance and summary of encoder-weight');
    expect(screen.getByTestId('search')).toHaveTextContent(`?analysis-job=${ID}`);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText(/Cancelled by alice/)).toBeInTheDocument();
    expect(calls).toContain(`DELETE /api/jobs/${ID}`);
    // Finished but not done: it stays until dismissed, and the job stays in the URL meanwhile.
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
    expect(screen.getByTestId('search')).toBeEmptyDOMElement();
  });

  it('resumes from ?analysis-job= after a reload and goes away, refetching the views, once done', async () => {
    let polls = 0;
    mockApi({
      // The list no longer names it (e.g. many newer jobs): the URL alone resumes following it.
      'GET /api/jobs?model=m&limit=10': () => json({ items: [] }),
      [`GET /api/jobs/${ID}`]: () =>
        json(
          ++polls < 2
            ? job()
            : job({
                state: 'done',
                progress: { fraction: 1, message: 'done' },
                finished_at: new Date().toISOString(),
              }),
        ),
    });
    const client = renderAt(`/models/m/v/2?analysis-job=${ID}&part=decoder-weight`);
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    expect(await screen.findByText('25%')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull(), { timeout: 4000 });
    expect(screen.getByTestId('search')).toHaveTextContent('?part=decoder-weight');
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['model', 'm', 'version'] });
  });

  it("ignores another version's job carried over in the URL", async () => {
    mockApi({
      'GET /api/jobs?model=m&limit=10': () => json({ items: [] }),
      [`GET /api/jobs/${ID}`]: () => json(job({ version: 1 })),
    });
    renderAt(`/models/m/v/2?analysis-job=${ID}`);
    await waitFor(() => expect(screen.getByTestId('search')).toBeEmptyDOMElement());
    expect(screen.queryByRole('status')).toBeNull();
  });
});
