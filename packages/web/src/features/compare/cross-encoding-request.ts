import type { CROSS_ENCODING_METRICS, CrossEncodingBody, CrossEncodingResponse } from '../../api/contract';
import type { MatrixPanel, MatrixRow, Dispersion, SeedAggregate } from './matrix-request';
import { isMultiSeed } from './matrix-request';

export type CrossEncodingMetric = (typeof CROSS_ENCODING_METRICS)[number];

/** One column: a model's labeled set. */
export interface SetColumn {
  readonly model: string;
  readonly set: string;
}

/** The id the API gives a column, and the picker keeps in the URL: `model/set`. */
export const columnId = (c: SetColumn): string => `${c.model}/${c.set}`;

/** Picked column ids back to columns (model names and set names are slugs: no `/`). */
export function parseColumns(ids: readonly string[]): SetColumn[] {
  return ids.flatMap((id) => {
    const slash = id.indexOf('/');
    return slash > 0 ? [{ model: id.slice(0, slash), set: id.slice(slash + 1) }] : [];
  });
}

/** The model of a `name@ref`. */
const modelOf = (ref: string): string => ref.slice(0, ref.lastIndexOf('@'));

/**
 * Why rows cannot be divided by their diagonal (the API's rule: as many rows as columns, row i a
 * GRADIEND of the model owning column i's set); null when they can.
 */
export function normalizeBlocker(rows: readonly MatrixRow[], columns: readonly SetColumn[]): string | null {
  if (rows.length === 0 || columns.length === 0) return 'Pick rows and columns first.';
  if (rows.length !== columns.length)
    return `It needs as many rows as columns (${rows.length} rows, ${columns.length} columns).`;
  for (const [i, row] of rows.entries()) {
    const column = columns[i] as SetColumn;
    const other = row.refs.find((ref) => modelOf(ref) !== column.model);
    if (other !== undefined)
      return `Row ${i + 1} (${row.id}) is not a version of ${column.model}, which owns column ${i + 1} (${columnId(column)}): pick rows and columns in matching order.`;
  }
  return null;
}

export interface CrossEncodingOptions {
  readonly metric: CrossEncodingMetric;
  readonly normalize: boolean;
  readonly allowIncomplete: boolean;
  readonly seedAggregate: SeedAggregate;
  readonly dispersion: Dispersion;
}

/** The POST /api/compare/cross-encoding body: seed groups as {id, refs}, single versions as name@ref. */
export function crossEncodingBody(
  rows: readonly MatrixRow[],
  columns: readonly SetColumn[],
  o: CrossEncodingOptions,
): CrossEncodingBody {
  const seeded = isMultiSeed(rows);
  return {
    rows: rows.map((r) => (r.id === r.refs[0] ? r.id : { id: r.id, refs: [...r.refs] })),
    columns: columns.map((c) => ({ model: c.model, set: c.set })),
    metric: o.metric,
    ...(o.normalize ? { normalize: true } : {}),
    ...(o.allowIncomplete ? { allow_incomplete: true } : {}),
    ...(seeded ? { seed_aggregate: o.seedAggregate, dispersion: o.dispersion } : {}),
  };
}

/** The result as a drawable panel: rows encode columns; an empty cell carries its `unavailable` reason. */
export function crossEncodingPanel(r: CrossEncodingResponse): MatrixPanel {
  const notes = r.matrix.map((row) => row.map(() => ''));
  for (const u of r.unavailable) {
    const line = notes[u.row];
    if (line && u.column < line.length) line[u.column] = u.detail;
  }
  return {
    title: r.row_normalized_by_diagonal ? 'each row divided by its diagonal cell' : 'rows encode columns',
    rows: r.rows,
    columns: r.columns,
    relation: 'on',
    matrix: r.matrix,
    stats: r.multi_seed ? r.cell_stats : undefined,
    notes,
  };
}
