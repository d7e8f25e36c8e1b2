import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Model } from '../../api/contract';
import { ModelTable } from './ModelTable';

const base: Omit<Model, 'name' | 'latest' | 'latest_version' | 'version_count'> = {
  description: '',
  tags: [],
  aliases: {},
  created_at: '2026-01-01T00:00:00.000Z',
  created_by: 'anonymous',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('ModelTable', () => {
  afterEach(() => vi.restoreAllMocks());

  it("fills every row from the list's latest summary without requesting versions", () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const models: Model[] = [
      {
        ...base,
        name: 'bert-pruned',
        version_count: 2,
        latest_version: 2,
        latest: {
          version: 2,
          input_dim: 1_090_000,
          unpruned_length: 109_000_000,
          latent_dim: 1,
          dtype: 'float32',
          base_model: 'bert-base-cased',
        },
      },
      { ...base, name: 'empty', version_count: 0, latest_version: null, latest: null },
    ];
    render(
      <MemoryRouter>
        <ModelTable models={models} />
      </MemoryRouter>,
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[0]!).getByTestId('dims')).toHaveTextContent('1,090,000 / 109,000,000');
    expect(rows[0]).toHaveTextContent('bert-base-cased');
    expect(within(rows[1]!).getByTestId('dims')).toHaveTextContent('—');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
