import { describe, expect, it } from 'vitest';
import { ComparisonError } from '../errors.js';
import { Xorshift32 } from '../random/xorshift32.js';
import {
  CROSS_ENCODING_METRICS,
  crossEncodingMatrix,
  normalizeRowsByDiagonal,
  type EncodedLabeledRows,
} from './cross-encoding.js';

/** Random labeled encodings: labels in {−1, 0, 1}, some rows typed neutral. */
function randomRows(rng: Xorshift32, n: number): EncodedLabeledRows {
  const encoded: number[] = [];
  const labels: number[] = [];
  const types: (string | null)[] = [];
  for (let r = 0; r < n; r++) {
    encoded.push(rng.nextFloat() * 2 - 1);
    labels.push(Math.floor(rng.nextFloat() * 3) - 1);
    types.push(rng.nextFloat() < 0.2 ? 'Neutral_augmented' : rng.nextFloat() < 0.5 ? 'training' : null);
  }
  return { encoded, labels, types };
}

/** The reference's subsetting written out row by row: drop neutral types, keep one label sign. */
function bruteMean(rows: EncodedLabeledRows, sign: number): number {
  const kept = Array.from(rows.labels, (label, r) => ({ label, r })).filter(
    ({ label, r }) => Math.sign(label) === sign && !/neutral/i.test(rows.types?.[r] ?? ''),
  );
  return kept.reduce((s, { r }) => s + (rows.encoded[r] as number), 0) / kept.length;
}

describe('crossEncodingMatrix', () => {
  it('gives each metric from the class means of the column set, neutral rows left out', () => {
    const rng = new Xorshift32(7);
    const cells = [0, 1, 2].map(() => [0, 1].map(() => randomRows(rng, 40)));
    for (const metric of CROSS_ENCODING_METRICS) {
      const m = crossEncodingMatrix(['a', 'b', 'c'], ['s', 't'], (i, j) => [cells[i]![j]!], { metric });
      expect(m.measure).toBe(`cross_encoding_${metric}`);
      for (const [i, row] of cells.entries())
        for (const [j, rows] of row.entries()) {
          const pos = bruteMean(rows, 1);
          const neg = bruteMean(rows, -1);
          const want = metric === 'positive_mean' ? pos : metric === 'negative_mean' ? neg : pos - neg;
          expect(m.matrix[i]![j]).toBeCloseTo(want, 12);
          expect(m.n_matrix[i]![j]).toBe(1);
        }
      expect(m.available_mask.flat().every(Boolean)).toBe(true);
      expect(m.multi_seed).toBe(false);
    }
  });

  it("matches the reference's worked example (0.8, 0.2, 0.6)", () => {
    const rows = { encoded: [0.9, 0.7, 0.3, 0.1], labels: [1, 1, -1, -1] };
    const value = (metric: (typeof CROSS_ENCODING_METRICS)[number]) =>
      crossEncodingMatrix(['plus'], ['plus'], () => [rows], { metric }).matrix[0]![0]!;
    expect(value('positive_mean')).toBeCloseTo(0.8, 12);
    expect(value('negative_mean')).toBeCloseTo(0.2, 12);
    expect(value('positive_minus_negative')).toBeCloseTo(0.6, 12);
  });

  it('aggregates the seeds of a row and reports their spread', () => {
    const seeds = [0.2, 0.5, 0.9].map((v) => ({ encoded: [v, -v], labels: [1, -1] }));
    const m = crossEncodingMatrix(['g'], ['s'], () => seeds, {
      seedAggregate: 'median',
      dispersion: 'minmax',
    });
    expect(m.matrix[0]![0]).toBeCloseTo(0.5, 12);
    expect(m.n_matrix[0]![0]).toBe(3);
    expect(m.cell_stats[0]![0]!.minmax).toEqual([0.2, 0.9]);
    expect(m.multi_seed).toBe(true);
  });

  it('refuses a cell without the needed class unless incomplete matrices are allowed', () => {
    const onlyNegative = { encoded: [0.1, 0.2], labels: [-1, 0] };
    const call = (allowIncomplete: boolean) =>
      crossEncodingMatrix(['g'], ['s'], () => [onlyNegative], { allowIncomplete });
    expect(() => call(false)).toThrow(ComparisonError);
    expect(call(true).matrix).toEqual([[null]]);
    expect(call(true).available_mask).toEqual([[false]]);
    // A row that cannot encode the set at all is the same as an empty cell.
    expect(crossEncodingMatrix(['g'], ['s'], () => null, { allowIncomplete: true }).n_matrix).toEqual([[0]]);
  });

  it('refuses unknown metrics and mismatched row lengths with the reference-style error', () => {
    const rows = { encoded: [1], labels: [1] };
    expect(() => crossEncodingMatrix(['g'], ['s'], () => [rows], { metric: 'max' as never })).toThrow(
      /metric must be one of \['positive_mean', 'negative_mean', 'positive_minus_negative'\], got 'max'/,
    );
    expect(() => crossEncodingMatrix(['g'], ['s'], () => [{ encoded: [1, 2], labels: [1] }])).toThrow(
      /one entry per row/,
    );
  });
});

describe('normalizeRowsByDiagonal', () => {
  it('divides each row by its own-set cell: the diagonal becomes 1, statistics scale, counts stay', () => {
    const rng = new Xorshift32(11);
    const cells = [0, 1].map(() => [0, 1].map(() => [randomRows(rng, 30), randomRows(rng, 30)]));
    const m = crossEncodingMatrix(['a', 'b'], ['a', 'b'], (i, j) => cells[i]![j]!, { dispersion: 'std' });
    const n = normalizeRowsByDiagonal(m);
    expect(n.measure).toBe('cross_encoding_positive_mean_row_normalized');
    expect(n.row_normalized_by_diagonal).toBe(true);
    for (let i = 0; i < 2; i++) {
      expect(n.matrix[i]![i]).toBeCloseTo(1, 12);
      for (let j = 0; j < 2; j++) {
        const f = 1 / m.matrix[i]![i]!;
        expect(n.matrix[i]![j]).toBeCloseTo(m.matrix[i]![j]! * f, 12);
        expect(n.cell_stats[i]![j]!.std).toBeCloseTo(m.cell_stats[i]![j]!.std! * f, 12);
        expect(n.n_matrix[i]![j]).toBe(m.n_matrix[i]![j]);
      }
    }
  });

  it('refuses a zero diagonal and a non-square matrix', () => {
    const zero = { encoded: [0, 1], labels: [1, -1] };
    const square = crossEncodingMatrix(['a'], ['a'], () => [zero]);
    expect(() => normalizeRowsByDiagonal(square)).toThrow(/diagonal value is 0/);
    const wide = crossEncodingMatrix(['a'], ['a', 'b'], () => [{ encoded: [1], labels: [1] }]);
    expect(() => normalizeRowsByDiagonal(wide)).toThrow(/must be square/);
  });
});
