import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { useSearchEnum, useSearchPatch, useSearchState } from './use-search-state';

function Probe() {
  const [part, setPart] = useSearchEnum(
    'part',
    ['decoder-weight', 'encoder-weight'] as const,
    'decoder-weight',
  );
  const [k, setK] = useSearchState('k', '1%');
  return (
    <div>
      <span data-testid="part">{part}</span>
      <input aria-label="k" value={k} onChange={(e) => setK(e.target.value)} />
      <button type="button" onClick={() => setPart('encoder-weight')}>
        encoder
      </button>
      <button type="button" onClick={() => setPart('decoder-weight')}>
        decoder
      </button>
    </div>
  );
}

function setup(url: string) {
  const router = createMemoryRouter([{ path: '/x', element: <Probe /> }], { initialEntries: [url] });
  render(<RouterProvider router={router} />);
  return router;
}

describe('URL state sync', () => {
  it('reads state from the URL and ignores values outside the allowed set', () => {
    setup('/x?part=encoder-weight&k=500');
    expect(screen.getByTestId('part')).toHaveTextContent('encoder-weight');
    expect(screen.getByLabelText('k')).toHaveValue('500');
    setup('/x?part=bogus');
    expect(screen.getAllByTestId('part')[1]).toHaveTextContent('decoder-weight');
  });

  it('writes changes to the query string, dropping defaults, keeping other keys, replacing history', async () => {
    const router = setup('/x?other=1');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'encoder' }));
    expect(new URLSearchParams(router.state.location.search).get('part')).toBe('encoder-weight');
    expect(new URLSearchParams(router.state.location.search).get('other')).toBe('1');
    await user.clear(screen.getByLabelText('k'));
    await user.type(screen.getByLabelText('k'), '0.5');
    expect(new URLSearchParams(router.state.location.search).get('k')).toBe('0.5');
    await user.click(screen.getByRole('button', { name: 'decoder' }));
    expect(new URLSearchParams(router.state.location.search).has('part')).toBe(false);
    expect(router.state.historyAction).toBe('REPLACE');
    await act(() => router.navigate(-1));
  });
});

function PatchProbe() {
  const patch = useSearchPatch();
  return (
    <button type="button" onClick={() => patch({ mode: 'threshold', t: '0.5' })}>
      patch
    </button>
  );
}

describe('useSearchPatch', () => {
  it('sets several keys in one navigation', async () => {
    const router = createMemoryRouter([{ path: '/x', element: <PatchProbe /> }], {
      initialEntries: ['/x?k=1%25'],
    });
    render(<RouterProvider router={router} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'patch' }));
    const params = new URLSearchParams(router.state.location.search);
    expect([params.get('mode'), params.get('t'), params.get('k')]).toEqual(['threshold', '0.5', '1%']);
  });
});
