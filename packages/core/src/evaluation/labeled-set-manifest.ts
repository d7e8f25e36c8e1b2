import { LabeledSetError } from '../errors.js';

/**
 * One sample of a labeled gradient set: where its gradient is (`file`: a per-sample gradient file,
 * or `row`: a row of one batched [N, input_dim] tensor) and the reference's encoder-DataFrame
 * columns.
 */
export interface ManifestRow {
  readonly file?: string;
  readonly row?: number;
  readonly label: number;
  readonly type?: string;
  readonly sourceId?: string;
  readonly targetId?: string;
  readonly dataSplit?: string;
}

/** The manifest columns, as the reference names them (`file` or `row` locates the gradient). */
export const MANIFEST_COLUMNS = [
  'file',
  'row',
  'label',
  'type',
  'source_id',
  'target_id',
  'data_split',
] as const;

/** Parses a manifest: JSON (an array of rows or {"rows": [...]}) or CSV with a header line. */
export function parseManifest(text: string, format: 'json' | 'csv'): ManifestRow[] {
  const records = format === 'json' ? jsonRecords(text) : csvRecords(text);
  if (records.length === 0) throw new LabeledSetError('the manifest lists no samples');
  const rows = records.map((r, i) => toRow(r, i));
  const byFile = rows.filter((r) => r.file !== undefined).length;
  if (byFile !== 0 && byFile !== rows.length)
    throw new LabeledSetError('every manifest row needs a file, or every row a row index (not a mix)');
  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    const key = r.file ?? `#${r.row}`;
    if (seen.has(key))
      throw new LabeledSetError(`manifest row ${i + 1}: ${r.file ?? `row ${r.row}`} is listed twice`);
    seen.add(key);
  }
  return rows;
}

function jsonRecords(text: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new LabeledSetError(`the manifest is not valid JSON: ${(e as Error).message}`);
  }
  const list =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as { rows?: unknown }).rows
      : parsed;
  if (!Array.isArray(list))
    throw new LabeledSetError('a JSON manifest is an array of rows or {"rows": [...]}');
  return list.map((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new LabeledSetError(`manifest row ${i + 1} is not an object`);
    return r as Record<string, unknown>;
  });
}

/** RFC 4180 CSV: comma-separated, double quotes around fields with commas, quotes or line breaks. */
function csvRecords(text: string): Record<string, unknown>[] {
  const lines = csvRows(text).filter((fields) => fields.some((f) => f.trim() !== ''));
  const header = lines[0]?.map((h) => h.trim());
  if (!header) return [];
  const unknown = header.filter((h) => !(MANIFEST_COLUMNS as readonly string[]).includes(h));
  if (unknown.length)
    throw new LabeledSetError(
      `unknown manifest column(s) ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${MANIFEST_COLUMNS.join(', ')}`,
    );
  return lines.slice(1).map((fields, i) => {
    if (fields.length !== header.length)
      throw new LabeledSetError(
        `manifest line ${i + 2} has ${fields.length} fields, the header ${header.length}`,
      );
    const record: Record<string, unknown> = {};
    header.forEach((h, c) => {
      const v = (fields[c] as string).trim();
      if (v !== '') record[h] = h === 'label' || h === 'row' ? Number(v) : v;
    });
    return record;
  });
}

function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new LabeledSetError('the manifest has an unterminated quoted field');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function toRow(r: Record<string, unknown>, i: number): ManifestRow {
  const at = `manifest row ${i + 1}`;
  const unknown = Object.keys(r).filter((k) => !(MANIFEST_COLUMNS as readonly string[]).includes(k));
  if (unknown.length)
    throw new LabeledSetError(`${at}: unknown field(s) ${unknown.map((u) => `'${u}'`).join(', ')}`);
  const label = r.label;
  if (typeof label !== 'number' || !Number.isFinite(label))
    throw new LabeledSetError(`${at}: label must be a finite number, got ${JSON.stringify(label ?? null)}`);
  const text = (key: string): string | undefined => {
    const v = r[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && key !== 'file') return String(v);
    throw new LabeledSetError(`${at}: ${key} must be a string`);
  };
  const file = text('file');
  const row = r.row;
  if ((file === undefined) === (row === undefined || row === null))
    throw new LabeledSetError(`${at}: give either file or row`);
  if (
    row !== undefined &&
    row !== null &&
    !(typeof row === 'number' && Number.isSafeInteger(row) && row >= 0)
  )
    throw new LabeledSetError(`${at}: row must be a non-negative integer, got ${JSON.stringify(row)}`);
  if (
    file !== undefined &&
    (file === '' || file.includes('..') || file.startsWith('/') || file.includes('\\'))
  )
    throw new LabeledSetError(`${at}: file must be a relative path inside the set, got '${file}'`);
  const type = text('type');
  const sourceId = text('source_id');
  const targetId = text('target_id');
  const dataSplit = text('data_split');
  return {
    ...(file !== undefined ? { file } : { row: row as number }),
    label,
    ...(type !== undefined ? { type } : {}),
    ...(sourceId !== undefined ? { sourceId } : {}),
    ...(targetId !== undefined ? { targetId } : {}),
    ...(dataSplit !== undefined ? { dataSplit } : {}),
  };
}
