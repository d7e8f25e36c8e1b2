import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../api/jobs';
import { JobProgress } from '../../components/JobProgress';
import { usePruneJob } from './use-prune-job';

const ID = '0b6f3c1e-0000-4000-8000-000000000002';

function job(state: Job['state'], fraction: number): Job {
  return {
    id: ID,
    kind: 'prune',
    state,
    model: 'm',
    version: 1,
    progress: { fraction, message: state === 'done' ? 'storing the new version' : 'pruning' },
    attempts: 1,
    max_attempts: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'anonymous',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: state === 'done' ? '2026-01-01T00:00:03.000Z' : null,
    updated_at: '2026-01-01T00:00:01.000Z',
    elapsed_ms: 1000,
    cancelled_by: null,
    result:
      state === 'done'
        ? {
            href: `/api/jobs/${ID}/result`,
            content_type: 'application/json',
            size: 10,
            sha256: 'a'.repeat(64),
          }
        : null,
    error: null,
    href: `/api/jobs/${ID}`,
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function Harness() {
  const prune = usePruneJob('m', '1');
  const location = useLocation();
  return (
    <div>
      <button type="button" onClick={() => prune.start.mutate({ topk: 3, part: 'decoder-weight' })}>
        apply
      </button>
      <output data-testid="search">{location.search}</output>
      {prune.jobId && <JobProgress jobId={prune.jobId} label="Pruning" onFinished={prune.onFinished} />}
    </div>
  );
}

afterEach(() => vi.restoreAllMocks());

describe('usePruneJob', () => {
  it('follows a long prune as a job named in the URL, then opens the new version', async () => {
    let polls = 0;
    const calls: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url === '/api/models/m/versions/1/prune?async=1&wait=2') return json(job('queued', 0), 202);
      if (url === `/api/jobs/${ID}`) return json(++polls < 2 ? job('running', 0.5) : job('done', 1));
      if (url === `/api/jobs/${ID}/result`) return json({ name: 'm', version: 2 });
      throw new Error(`unexpected fetch ${url}`);
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={['/models/m/v/1/prune?k=1%25']}>
          <Routes>
            <Route path="/models/m/v/1/prune" element={<Harness />} />
            <Route path="/models/m/v/2" element={<p>version 2 page</p>} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'apply' }));
    expect(await screen.findByText('50%')).toBeInTheDocument();
    expect(screen.getByTestId('search')).toHaveTextContent(`?k=1%25&prune-job=${ID}`);
    expect(await screen.findByText('version 2 page', undefined, { timeout: 4000 })).toBeInTheDocument();
    expect(calls[0]).toBe('POST /api/models/m/versions/1/prune?async=1&wait=2');
    expect(calls).toContain(`GET /api/jobs/${ID}/result`);
  });
});
