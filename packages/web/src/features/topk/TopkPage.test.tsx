import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderVersionView } from '../../test-support/render-view';
import { TopkPage } from './TopkPage';

function api(refuse: boolean) {
  return fakeFetch((req) =>
    refuse
      ? new Response(
          JSON.stringify({
            title: 'Invalid request',
            status: 400,
            detail: 'k selects 200000 rows; at most 100000 are listed',
          }),
          { status: 400, headers: { 'content-type': 'application/problem+json' } },
        )
      : { part: 'decoder-weight', k: req.url.searchParams.get('k'), items: [] },
  );
}

const csvLink = () => screen.queryByRole('link', { name: 'Download CSV' });

describe('TopkPage downloads', () => {
  afterEach(() => vi.restoreAllMocks());

  it('offers downloads for "100%" (as the API takes it) and withdraws them for a refused k', async () => {
    api(false);
    renderVersionView(<TopkPage />, { url: '/v?k=100%25' });
    await waitFor(() => expect(csvLink()).toBeInTheDocument());
    expect(csvLink()?.getAttribute('href')).toContain('k=100%25');
    fireEvent.change(screen.getByRole('textbox', { name: 'k' }), { target: { value: '150%' } });
    expect(csvLink()).not.toBeInTheDocument();
  });

  it('offers no download when the server refuses the k', async () => {
    api(true);
    renderVersionView(<TopkPage />, { url: '/v?k=200000' });
    await screen.findByText(/at most 100000 are listed/);
    expect(csvLink()).not.toBeInTheDocument();
  });
});
