import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { ParamRow } from '../../api/contract';
import { sortRows } from '../../lib/param-table';
import { ParamTable } from './ParamTable';

function row(name: string, numel: number, selected: number, importanceSum: number): ParamRow {
  return {
    name,
    shape: [numel],
    numel,
    repr: 'all',
    selected,
    coverage: selected / numel,
    stored_bytes: selected * 4,
    importance_sum: importanceSum,
    importance_max: importanceSum,
    importance_min: selected > 0 ? 0 : null,
    importance_mean: selected > 0 ? importanceSum / selected : null,
  };
}

const rows = [
  row('enc.layer.10.w', 100, 100, 50),
  row('enc.layer.2.w', 100, 100, 20),
  row('enc.layer.2.b', 10, 10, 30),
];

function show(sorted: ParamRow[], grouped: boolean) {
  render(
    <MemoryRouter>
      <ParamTable
        rows={sorted}
        grouped={grouped}
        sort="name"
        onSort={() => undefined}
        name="m"
        refName="1"
        part="decoder-weight"
      />
    </MemoryRouter>,
  );
}

describe('ParamTable', () => {
  it('sorts layer names naturally: layer.2 before layer.10', () => {
    expect(sortRows(rows, 'name').map((r) => r.name)).toEqual([
      'enc.layer.2.b',
      'enc.layer.2.w',
      'enc.layer.10.w',
    ]);
  });

  it('shows the mean importance, which tells a small important bias from a big matrix', () => {
    show(rows, false);
    const bias = screen.getByRole('row', { name: /enc\.layer\.2\.b/ });
    expect(within(bias).getAllByRole('cell')[6]).toHaveTextContent('3');
    const matrix = screen.getByRole('row', { name: /enc\.layer\.2\.w/ });
    expect(within(matrix).getAllByRole('cell')[6]).toHaveTextContent('0.2');
    expect(screen.getByRole('columnheader', { name: /Importance mean/ })).toBeInTheDocument();
  });

  it('groups the table itself by layer, with a summary row per layer', () => {
    show(sortRows(rows, 'name'), true);
    const groups = screen.getAllByRole('rowgroup').slice(1);
    expect(groups.map((g) => g.getAttribute('data-layer'))).toEqual(['enc.layer.2', 'enc.layer.10']);
    const first = groups[0]!;
    expect(within(first).getAllByRole('row')).toHaveLength(3);
    expect(within(first).getAllByRole('row')[0]).toHaveTextContent('enc.layer.2 (2 parameters)');
    // 50 of the 100 units of importance: sum 50, mean 50 / 110 selected.
    expect(within(first).getAllByRole('row')[0]).toHaveTextContent('50%');
  });
});
