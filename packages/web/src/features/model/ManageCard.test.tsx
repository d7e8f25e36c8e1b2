import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, makeModel, makeVersion, renderVersionView } from '../../test-support/render-view';
import { ManageCard } from './ManageCard';

const v1 = makeVersion({ version: 1 });
const v2 = makeVersion({ version: 2, parent: { name: 'm', version: 1 }, operation: 'prune' });
const model = makeModel([v1, v2]);

function api() {
  return fakeFetch((req) => {
    const versionDelete = req.url.pathname.includes('/versions/');
    if (req.method === 'DELETE' && versionDelete && req.url.searchParams.get('cascade') !== 'true') {
      return new Response(
        JSON.stringify({
          title: 'Other versions derive from this version',
          status: 409,
          code: 'GRADIEND_ERR_VERSION_HAS_DERIVED',
          detail: 'm@1 has derived versions (m@2, other@1)',
          derived: [
            { name: 'm', version: 2 },
            { name: 'other', version: 1 },
          ],
        }),
        { status: 409, headers: { 'content-type': 'application/problem+json' } },
      );
    }
    return {
      deleted: [
        { name: 'm', version: 1 },
        { name: 'm', version: 2 },
        { name: 'other', version: 1 },
      ],
    };
  });
}

describe('ManageCard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('asks first, then lists the derived versions the 409 names and deletes them only after a second yes', async () => {
    const calls = api();
    const { router } = renderVersionView(<ManageCard model={model} version={v1} />, { version: v1, model });
    fireEvent.click(screen.getByRole('button', { name: 'Delete v1…' }));
    expect(calls).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Delete v1' }));
    const list = await screen.findByTestId('derived-versions');
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['m@2', 'other@1']);
    expect(calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`)).toEqual([
      'DELETE /api/models/m/versions/1',
    ]);
    expect(calls[0]?.body).toBeUndefined();

    fireEvent.click(screen.getByRole('button', { name: 'Delete v1 and 2 derived versions' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]?.url.search).toBe('?cascade=true');
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
  });

  it('can be cancelled without a request', () => {
    const calls = api();
    renderVersionView(<ManageCard model={model} version={v2} />, { version: v2, model });
    fireEvent.click(screen.getByRole('button', { name: 'Delete model m…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Delete v2…' })).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('deletes the whole model after one confirmation', async () => {
    const calls = api();
    const { router } = renderVersionView(<ManageCard model={model} version={v2} />, { version: v2, model });
    fireEvent.click(screen.getByRole('button', { name: 'Delete model m…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete model m' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['DELETE /api/models/m']);
  });
});
