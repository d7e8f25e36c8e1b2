import { textTable } from './text-table.js';

export interface Measurement {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target: at least (`min`) or below (`max`) this value. */
  readonly target?: { readonly min?: number; readonly max?: number };
  readonly note?: string;
}

export function meets(m: Measurement): boolean | null {
  if (!m.target) return null;
  if (m.target.min !== undefined && m.value < m.target.min) return false;
  if (m.target.max !== undefined && m.value >= m.target.max) return false;
  return true;
}

function targetText(m: Measurement): string {
  if (m.target?.min !== undefined) return `≥ ${m.target.min}`;
  if (m.target?.max !== undefined) return `< ${m.target.max}`;
  return '';
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

export function toTable(results: readonly Measurement[]): string {
  const rows = results.map((m) => {
    const ok = meets(m);
    return [
      m.name,
      `${format(m.value)} ${m.unit}`,
      targetText(m),
      ok === null ? '' : ok ? 'ok' : 'MISS',
      m.note ?? '',
    ];
  });
  const header = ['measurement', 'value', 'target', '', 'note'];
  return textTable(header, rows);
}

export function toJson(results: readonly Measurement[], context: Record<string, unknown>): string {
  return JSON.stringify(
    { ...context, results: results.map((m) => ({ ...m, meets_target: meets(m) })) },
    null,
    2,
  );
}
