import { describe, expect, it } from 'vitest';
import {
  crossEncodingBody,
  crossEncodingPanel,
  normalizeBlocker,
  parseColumns,
} from './cross-encoding-request';
import type { MatrixRow } from './matrix-request';

const one = (ref: string): MatrixRow => ({ id: ref, refs: [ref] });
const options = {
  metric: 'positive_minus_negative',
  normalize: false,
  allowIncomplete: false,
  seedAggregate: 'median',
  dispersion: 'range',
} as const;

describe('cross-encoding request', () => {
  it('reads picked column ids back as model and set', () => {
    expect(parseColumns(['gender/eval', 'race/held-out', 'broken'])).toEqual([
      { model: 'gender', set: 'eval' },
      { model: 'race', set: 'held-out' },
    ]);
  });

  it('allows normalizing only when row i is a version (every seed) of column i’s model', () => {
    const columns = parseColumns(['gender/eval', 'race/eval']);
    expect(normalizeBlocker([one('gender@1'), one('race@2')], columns)).toBeNull();
    expect(normalizeBlocker([one('gender@1')], columns)).toContain('1 rows, 2 columns');
    const mixed: MatrixRow = { id: 'seeds', refs: ['race@1', 'gender@3'] };
    expect(normalizeBlocker([one('gender@1'), mixed], columns)).toContain(
      'Row 2 (seeds) is not a version of race',
    );
    // A ref by alias or `latest` names its model the same way.
    expect(normalizeBlocker([one('gender@latest'), one('race@v2')], columns)).toBeNull();
  });

  it('sends seed groups with their aggregate and dispersion, single versions as name@ref', () => {
    const rows = [one('gender@1'), { id: 'race-seeds', refs: ['race@1', 'race@2'] }];
    expect(
      crossEncodingBody(rows, parseColumns(['gender/eval']), { ...options, allowIncomplete: true }),
    ).toEqual({
      rows: ['gender@1', { id: 'race-seeds', refs: ['race@1', 'race@2'] }],
      columns: [{ model: 'gender', set: 'eval' }],
      metric: 'positive_minus_negative',
      allow_incomplete: true,
      seed_aggregate: 'median',
      dispersion: 'range',
    });
  });

  it('puts each unavailable reason on its cell and leaves the others without a note', () => {
    const panel = crossEncodingPanel({
      measure: 'cross_encoding_positive_mean',
      metric: 'positive_mean',
      rows: ['a@1', 'b@1'],
      row_versions: [['a@1'], ['b@1']],
      columns: ['a/s', 'b/s', 'c/s'],
      matrix: [
        [0.5, null, 0.25],
        [0.125, 0.75, null],
      ],
      available_mask: [
        [true, false, true],
        [true, true, false],
      ],
      n_matrix: [
        [1, 0, 1],
        [1, 1, 0],
      ],
      cell_stats: [
        [null, null, null],
        [null, null, null],
      ],
      seed_aggregate: 'mean',
      dispersion: 'none',
      multi_seed: false,
      row_normalized_by_diagonal: false,
      unavailable: [
        { row: 0, column: 1, detail: 'first' },
        { row: 1, column: 2, detail: 'second' },
      ],
    });
    expect(panel.notes).toEqual([
      ['', 'first', ''],
      ['', '', 'second'],
    ]);
    expect(panel.stats).toBeUndefined();
    expect([panel.rows.length, panel.columns.length]).toEqual([2, 3]);
  });
});
