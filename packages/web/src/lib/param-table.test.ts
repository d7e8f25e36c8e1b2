import { describe, expect, it } from 'vitest';
import type { ParamRow } from '../api/contract';
import { filterRows, sortRows } from './param-table';

function row(name: string, sum: number, max: number | null, selected: number): ParamRow {
  return {
    name,
    shape: [selected],
    numel: 10,
    repr: 'all',
    selected,
    coverage: selected / 10,
    stored_bytes: selected * 12,
    importance_sum: sum,
    importance_max: max,
    importance_min: max === null ? null : 0,
    importance_mean: max,
  };
}

const rows = [
  row('b.weight', 3, 1, 5),
  row('a.bias', 1, null, 0),
  row('c.layer.3.weight', 7, 2, 8),
  row('d.layer.3.bias', 3, 0.5, 2),
];

describe('parameter table', () => {
  it('sorts by a column both ways, stable, with nulls last', () => {
    expect(sortRows(rows, '-importance_sum').map((r) => r.name)).toEqual([
      'c.layer.3.weight',
      'b.weight',
      'd.layer.3.bias',
      'a.bias',
    ]);
    expect(sortRows(rows, 'importance_max').map((r) => r.name)).toEqual([
      'd.layer.3.bias',
      'b.weight',
      'c.layer.3.weight',
      'a.bias',
    ]);
    expect(sortRows(rows, '-importance_max').at(-1)?.name).toBe('a.bias');
    expect(sortRows(rows, 'name').map((r) => r.name)).toEqual([...rows.map((r) => r.name)].sort());
    expect(sortRows(rows, 'order')).toEqual(rows);
    expect(sortRows(rows, 'nonsense')).toEqual(rows);
  });

  it('filters by all words of the query, case-insensitively', () => {
    expect(filterRows(rows, 'LAYER.3 weight').map((r) => r.name)).toEqual(['c.layer.3.weight']);
    expect(filterRows(rows, '  ')).toEqual(rows);
  });
});
