import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Histogram, PrunePreview } from '../../api/contract';
import { fakeFetch, renderVersionView, type FakeRequest } from '../../test-support/render-view';
import { PrunePage } from './PrunePage';

vi.mock('../../components/Plot', () => ({ Plot: () => <div />, preloadPlot: () => undefined }));

const histogram: Histogram = {
  part: 'decoder-weight',
  scale: 'linear',
  bins: 4,
  edges: [0, 0.25, 0.5, 0.75, 1],
  counts: [30, 20, 8, 2],
  total: 60,
  zeros: 0,
  non_finite: 0,
  below_range: 0,
  above_range: 0,
  min: 0,
  max: 0.9,
  range: [0, 1],
  quantiles: {},
  quantile_ranges: {},
  exact: true,
  bucket_bits: 16,
};

function answerFor(body: { topk?: { count?: number; fraction?: number }; threshold?: number }): PrunePreview {
  const kept = body.topk?.count ?? Math.ceil((body.topk?.fraction ?? 0.5) * 60);
  return {
    input_dim: kept,
    unpruned_length: 60,
    previous_input_dim: 60,
    param_map_hash: 'x',
    stored_bytes_before: 1000,
    stored_bytes_after: 10 * kept,
    params: [{ name: 'layer1.weight', numel: 60, previous: 60, kept }],
  };
}

/** Preview requests wait until the test releases them; histogram requests answer at once. */
function setupApi() {
  const pending: { req: FakeRequest; release: () => void }[] = [];
  const calls = fakeFetch((req) => {
    if (req.url.pathname.endsWith('/importance/histogram')) return histogram;
    // No labeled set: the pruning-curve panel asks once and shows its hint.
    if (req.url.pathname.endsWith('/labeled-sets')) return { items: [] };
    return new Promise((resolve) => {
      pending.push({ req, release: () => resolve(answerFor(req.body as never)) });
    });
  });
  const previews = () => calls.filter((c) => c.url.pathname.endsWith('/prune/preview'));
  return { pending, previews };
}

const previewEl = () => screen.getByTestId('prune-preview');

describe('PrunePage preview', () => {
  afterEach(() => vi.restoreAllMocks());

  it('marks the answer current once it arrives, and an idle page does not re-render', async () => {
    const api = setupApi();
    const { commits } = renderVersionView(<PrunePage />, { url: '/v?k=10' });
    await waitFor(() => expect(api.pending).toHaveLength(1));
    expect(api.previews()[0]?.body).toEqual({ topk: { count: 10 }, part: 'decoder-weight' });
    await act(async () => api.pending[0]?.release());
    await waitFor(() => expect(previewEl()).toHaveAttribute('data-current', 'true'));
    expect(previewEl()).toHaveAttribute('aria-busy', 'false');
    expect(previewEl()).not.toHaveClass('stale');
    expect(screen.getByTestId('preview-for')).toHaveTextContent('top-k 10, decoder-weight');

    // Let the last commits of the answer settle, then watch the idle page.
    await act(() => new Promise((r) => setTimeout(r, 300)));
    const before = commits.count;
    await act(() => new Promise((r) => setTimeout(r, 1000)));
    expect(commits.count - before).toBe(0);
    expect(api.previews()).toHaveLength(1);
  });

  it('dims the old preview when the typed k is refused, and says why', async () => {
    const api = setupApi();
    renderVersionView(<PrunePage />, { url: '/v?k=10' });
    await waitFor(() => expect(api.pending).toHaveLength(1));
    await act(async () => api.pending[0]?.release());
    await waitFor(() => expect(previewEl()).toHaveAttribute('data-current', 'true'));

    fireEvent.change(screen.getByRole('textbox', { name: 'Top-k' }), { target: { value: '150%' } });
    expect(previewEl()).toHaveAttribute('data-current', 'false');
    expect(previewEl()).toHaveClass('stale');
    expect(screen.getByRole('alert')).toHaveTextContent('must be a percentage in (0%, 100%]');
    expect(screen.getByRole('button', { name: /Apply/ })).toBeDisabled();
  });

  it('takes "100%" like the API does', async () => {
    const api = setupApi();
    renderVersionView(<PrunePage />, { url: '/v?k=100%25' });
    await waitFor(() => expect(api.previews()).toHaveLength(1));
    expect(api.previews()[0]?.body).toEqual({ topk: { fraction: 1 }, part: 'decoder-weight' });
  });

  it('aborts a superseded preview request', async () => {
    const api = setupApi();
    renderVersionView(<PrunePage />, { url: '/v?k=10' });
    await waitFor(() => expect(api.pending).toHaveLength(1));
    fireEvent.change(screen.getByRole('textbox', { name: 'Top-k' }), { target: { value: '20' } });
    await waitFor(() => expect(api.pending).toHaveLength(2));
    expect(api.pending[0]?.req.signal?.aborted).toBe(true);
    expect(api.pending[1]?.req.signal?.aborted).toBe(false);
  });

  it('refuses a threshold above the largest importance before asking the server', async () => {
    const api = setupApi();
    renderVersionView(<PrunePage />, { url: '/v?mode=threshold&t=2' });
    await screen.findByTestId('importance-max');
    expect(screen.getByTestId('importance-max')).toHaveTextContent('0.9');
    expect(screen.getByRole('alert')).toHaveTextContent('the largest is 0.9');
    expect(screen.getByRole('button', { name: /Apply/ })).toBeDisabled();
    await act(() => new Promise((r) => setTimeout(r, 400)));
    expect(api.previews()).toHaveLength(0);
  });
});

describe('PrunePage explanation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('explains the importance parts with their formulas and the out-of-range counts', () => {
    setupApi();
    renderVersionView(<PrunePage />, { url: '/v' });
    const explain = screen.getByTestId('explain');
    expect(explain).toHaveTextContent('What am I looking at?');
    for (const formula of [
      'Σ_j |W_dec[i, j]|',
      'Σ_j |W_enc[j, i]|',
      '|b_dec[i]|',
      '|Σ_j W_dec[i, j] + b_dec[i]|',
    ]) {
      expect(explain).toHaveTextContent(formula);
    }
    expect(explain).toHaveTextContent('above the plotted range');
  });
});
