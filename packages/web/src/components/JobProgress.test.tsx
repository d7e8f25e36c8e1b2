import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jobIdFromUrl, useJobParam, type Job } from '../api/jobs';
import { JobsPanel } from '../features/model/JobsPanel';
import { formatElapsed, JobProgress, JobProgressView } from './JobProgress';

const ID = '0b6f3c1e-0000-4000-8000-000000000001';

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: ID,
    kind: 'prune',
    state: 'running',
    model: 'm',
    version: 1,
    progress: { fraction: 0.42, message: 'importance of decoder-weight' },
    attempts: 1,
    max_attempts: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'alice',
    started_at: new Date(Date.now() - 5_000).toISOString(),
    finished_at: null,
    updated_at: '2026-01-01T00:00:01.000Z',
    elapsed_ms: 5_000,
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

function wrap(children: ReactNode, path = '/') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>{children}</MemoryRouter>
    </QueryClientProvider>
  );
}

/** Answers fetches by method + path from the handlers, recording each call. */
function mockApi(handlers: Record<string, () => Response>) {
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

afterEach(() => vi.restoreAllMocks());

describe('JobProgressView', () => {
  it('shows what runs, the elapsed time, the fraction, and cancels', async () => {
    const onCancel = vi.fn();
    render(<JobProgressView job={job()} label="Pruning to top-k 1 %" onCancel={onCancel} />);
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('Pruning to top-k 1 %');
    expect(status).toHaveTextContent('Running');
    expect(status).toHaveTextContent(/· [5-9]\.\d s/);
    expect(status).toHaveTextContent('42%');
    expect(status).toHaveTextContent('importance of decoder-weight');
    expect(screen.getByRole('progressbar')).toHaveAttribute('value', '0.42');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('shows a failed job as its problem and a finished one without a cancel button', () => {
    const error = {
      type: 'urn:gradiend:problem:prune-argument',
      title: 'Invalid prune or selection arguments',
      status: 422,
      detail: 'threshold keeps no dims',
      code: 'GRADIEND_ERR_PRUNE_ARGUMENT',
    };
    const { rerender } = render(
      <JobProgressView job={job({ state: 'failed', error })} onCancel={() => undefined} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'prune failed: Invalid prune or selection arguments (HTTP 422)',
    );
    expect(screen.queryByRole('button')).toBeNull();
    rerender(
      <JobProgressView job={job({ state: 'cancelled', cancelled_by: 'bob' })} onCancel={() => undefined} />,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Cancelled by bob');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('formats elapsed times', () => {
    expect(formatElapsed(12_345)).toBe('12.3 s');
    expect(formatElapsed(65_000)).toBe('1 min 05 s');
  });
});

describe('JobProgress (following a job)', () => {
  it('polls until the job is done and reports the finished job once', async () => {
    let polls = 0;
    mockApi({
      [`GET /api/jobs/${ID}`]: () => {
        polls++;
        return json(
          polls < 2
            ? job()
            : job({
                state: 'done',
                progress: { fraction: 1, message: 'stored' },
                finished_at: new Date().toISOString(),
              }),
        );
      },
    });
    const onFinished = vi.fn();
    render(wrap(<JobProgress jobId={`/api/jobs/${ID}`} label="Pruning" onFinished={onFinished} />));
    expect(await screen.findByText('42%')).toBeInTheDocument();
    expect(await screen.findByText('Done', { exact: false }, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByText('100%')).toBeInTheDocument();
    await waitFor(() => expect(onFinished).toHaveBeenCalledOnce());
    expect(onFinished.mock.calls[0]?.[0]).toMatchObject({ id: ID, state: 'done' });
  });

  it('cancels through DELETE /api/jobs/{id} and shows who cancelled it', async () => {
    const calls = mockApi({
      [`GET /api/jobs/${ID}`]: () => json(job()),
      [`DELETE /api/jobs/${ID}`]: () => json(job({ state: 'cancelled', cancelled_by: 'alice' })),
    });
    render(wrap(<JobProgress jobId={ID} />));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText(/Cancelled by alice/)).toBeInTheDocument();
    expect(calls).toContain(`DELETE /api/jobs/${ID}`);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('resumes following the job named in the URL after a reload', async () => {
    const calls = mockApi({ [`GET /api/jobs/${ID}`]: () => json(job()) });
    function View() {
      const [id] = useJobParam();
      return id ? <JobProgress jobId={id} /> : <p>no job</p>;
    }
    render(
      wrap(
        <Routes>
          <Route path="/models/m" element={<View />} />
        </Routes>,
        `/models/m?job=${ID}`,
      ),
    );
    expect(await screen.findByText('42%')).toBeInTheDocument();
    expect(calls[0]).toBe(`GET /api/jobs/${ID}`);
    expect(jobIdFromUrl(`/api/jobs/${ID}?wait=1`)).toBe(ID);
  });
});

describe('JobsPanel', () => {
  it("lists the model's jobs, live ones with progress and a cancel button", async () => {
    mockApi({
      'GET /api/jobs?model=m&limit=10': () =>
        json({
          items: [
            job(),
            job({
              id: 'done-1',
              state: 'done',
              kind: 'analysis-summary',
              progress: { fraction: 1, message: '' },
            }),
          ],
        }),
    });
    render(wrap(<JobsPanel model="m" />));
    await screen.findByText('prune of v1');
    const rows = screen.getAllByRole('status');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('prune of v1');
    expect(rows[0]).toHaveTextContent('42%');
    expect(rows[1]).toHaveTextContent('analysis-summary of v1');
    expect(rows[1]).toHaveTextContent('Done');
    expect(screen.getAllByRole('button', { name: 'Cancel' })).toHaveLength(1);
    expect(screen.getAllByText(/started by alice/)).toHaveLength(2);
  });
});
