import type { ParamRow } from '../api/contract';

export const PARAM_SORT_KEYS = [
  'order',
  'name',
  'numel',
  'selected',
  'coverage',
  'stored_bytes',
  'importance_sum',
  'importance_max',
  'importance_mean',
] as const;
export type ParamSortKey = (typeof PARAM_SORT_KEYS)[number];

/** `-key` sorts descending. */
export type ParamSort = ParamSortKey | `-${ParamSortKey}`;

export function parseSort(text: string): { key: ParamSortKey; desc: boolean } {
  const desc = text.startsWith('-');
  const key = (desc ? text.slice(1) : text) as ParamSortKey;
  return PARAM_SORT_KEYS.includes(key) ? { key, desc } : { key: 'order', desc: false };
}

/** Case-insensitive substring filter on the name; several words must all match. */
export function filterRows<T extends { name: string }>(rows: readonly T[], filter: string): T[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((r) => {
    const name = r.name.toLowerCase();
    return words.every((w) => name.includes(w));
  });
}

/** Stable sort; `order` is the param-map order. Nulls (no selected entry) sort last either way. */
export function sortRows(rows: readonly ParamRow[], sort: string): ParamRow[] {
  const { key, desc } = parseSort(sort);
  const indexed = rows.map((row, i) => ({ row, i }));
  if (key === 'order') return (desc ? indexed.reverse() : indexed).map((x) => x.row);
  indexed.sort((a, b) => {
    const va = a.row[key];
    const vb = b.row[key];
    if (va === null || vb === null) return va === vb ? a.i - b.i : va === null ? 1 : -1;
    const cmp = typeof va === 'string' ? naturalCompare(va, vb as string) : (va as number) - (vb as number);
    return (desc ? -cmp : cmp) || a.i - b.i;
  });
  return indexed.map((x) => x.row);
}

const COLLATOR = new Intl.Collator('en', { numeric: true });

/** Names with their numbers compared as numbers: layer.2 before layer.10. */
export function naturalCompare(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}
