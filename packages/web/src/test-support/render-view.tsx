import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { Profiler, type ReactElement } from 'react';
import { createMemoryRouter, Outlet, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import type { ModelDetail, Version } from '../api/contract';
import type { VersionContext } from '../features/model/version-context';

/** A version as the API describes it, with only what a test needs changed. */
export function makeVersion(patch: Partial<Version> = {}): Version {
  return {
    name: 'm',
    version: 1,
    aliases: [],
    description: '',
    tags: [],
    input_dim: 60,
    latent_dim: 1,
    unpruned_length: 60,
    param_map_hash: 'h',
    dtype: 'float32',
    architecture: {
      input_dim: 60,
      latent_dim: 1,
      activation_encoder: 'tanh',
      activation_decoder: 'id',
      bias_decoder: true,
      dtype: 'float32',
    },
    param_map: [],
    base_model: null,
    gradient_context: null,
    training: null,
    metadata: {},
    files: [],
    total_bytes: 1000,
    parent: null,
    operation: 'upload',
    operation_args: null,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'anonymous',
    ...patch,
  };
}

export function makeModel(versions: Version[], patch: Partial<ModelDetail> = {}): ModelDetail {
  const latest = versions[versions.length - 1];
  return {
    name: latest?.name ?? 'm',
    description: '',
    tags: [],
    aliases: {},
    version_count: versions.length,
    latest_version: latest?.version ?? null,
    latest: null,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'anonymous',
    updated_at: '2026-01-01T00:00:00.000Z',
    versions,
    ...patch,
  };
}

export interface FakeRequest {
  method: string;
  url: URL;
  body: unknown;
  signal: AbortSignal | undefined;
}

/** Answers a request: a JSON value (200), a Response, or a promise of either. */
export type FakeApi = (req: FakeRequest) => unknown;

/** Replaces fetch with `api`; returns the calls seen. */
export function fakeFetch(api: FakeApi): FakeRequest[] {
  const calls: FakeRequest[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input), 'http://test');
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body;
    const req = { method: init?.method ?? 'GET', url, body, signal: init?.signal ?? undefined };
    calls.push(req);
    const answer = await api(req);
    if (req.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (answer instanceof Response) return answer;
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

/** Renders a version view the way ModelLayout does: inside an outlet carrying the version context. */
export function renderVersionView(
  view: ReactElement,
  {
    version = makeVersion(),
    url = '/v',
    model,
  }: { version?: Version; url?: string; model?: ModelDetail } = {},
) {
  const context: VersionContext = {
    name: version.name,
    ref: String(version.version),
    model: model ?? makeModel([version]),
    version,
  };
  // Commits of the view's tree, counted by React itself (no instrumentation in the view needed).
  const commits = { count: 0 };
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      {
        element: <Outlet context={context} />,
        children: [
          { path: '/', element: <p>registry</p> },
          {
            path: '/v',
            element: (
              <Profiler id="view" onRender={() => commits.count++}>
                {view}
              </Profiler>
            ),
          },
        ],
      },
    ],
    { initialEntries: [url] },
  );
  const utils = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...utils, router, client, commits };
}
