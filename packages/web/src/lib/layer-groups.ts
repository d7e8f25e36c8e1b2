/** Enough of a params row to group it by layer. */
export interface ImportanceRow {
  readonly name: string;
  readonly importance_sum: number;
  readonly selected: number;
  readonly numel: number;
}

export interface LayerGroup {
  readonly prefix: string;
  readonly params: number;
  readonly selected: number;
  readonly numel: number;
  readonly importanceSum: number;
  /** Share of the total importance sum over all groups, in [0, 1]. */
  readonly mass: number;
}

/**
 * The layer a parameter belongs to: the name up to and including the first all-digit segment
 * (`bert.encoder.layer.3.attention.self.query.weight` → `bert.encoder.layer.3`), otherwise the name
 * without its last two segments (`bert.embeddings.LayerNorm.weight` → `bert.embeddings`), or its
 * first segment for short names (`fc1.weight` → `fc1`).
 */
export function layerPrefix(name: string): string {
  const parts = name.split('.');
  const digit = parts.findIndex((p) => /^\d+$/.test(p));
  if (digit >= 0) return parts.slice(0, digit + 1).join('.');
  if (parts.length >= 4) return parts.slice(0, -2).join('.');
  return parts[0] ?? name;
}

/** Groups rows by layer prefix in first-seen order, with each group's share of the importance mass. */
export function groupByLayer(rows: readonly ImportanceRow[]): LayerGroup[] {
  const groups = new Map<string, { params: number; selected: number; numel: number; sum: number }>();
  let total = 0;
  for (const row of rows) {
    const prefix = layerPrefix(row.name);
    const g = groups.get(prefix) ?? { params: 0, selected: 0, numel: 0, sum: 0 };
    g.params += 1;
    g.selected += row.selected;
    g.numel += row.numel;
    g.sum += row.importance_sum;
    groups.set(prefix, g);
    total += row.importance_sum;
  }
  return [...groups].map(([prefix, g]) => ({
    prefix,
    params: g.params,
    selected: g.selected,
    numel: g.numel,
    importanceSum: g.sum,
    mass: total > 0 ? g.sum / total : 0,
  }));
}

/** The rows of each layer group, in the groups' order, each group's rows in their given order. */
export function rowsByLayer<T extends ImportanceRow>(rows: readonly T[]): { group: LayerGroup; rows: T[] }[] {
  const members = new Map<string, T[]>();
  for (const row of rows) {
    const prefix = layerPrefix(row.name);
    const list = members.get(prefix) ?? [];
    list.push(row);
    members.set(prefix, list);
  }
  return groupByLayer(rows).map((group) => ({ group, rows: members.get(group.prefix) ?? [] }));
}
