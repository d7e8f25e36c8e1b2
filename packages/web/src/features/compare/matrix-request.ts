import type { Part, SimilarityMatrixBody, SimilarityMatrixResponse, Version } from '../../api/contract';
import type { DISPERSIONS, SEED_AGGREGATES, SIMILARITY_MEASURES } from '../../api/contract';
import type { TopkRequest } from '../../lib/parse-topk';

export type Measure = (typeof SIMILARITY_MEASURES)[number];
export type SeedAggregate = (typeof SEED_AGGREGATES)[number];
export type Dispersion = (typeof DISPERSIONS)[number];
export const GROUP_BYS = ['none', 'param', 'layer', 'component'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** One row/column of the matrix: a version, or a seed group (versions sharing a tag). */
export interface MatrixRow {
  readonly id: string;
  readonly refs: readonly string[];
}

export const refOf = (v: Pick<Version, 'name' | 'version'>): string => `${v.name}@${v.version}`;

/** What a base parameter space is: parameter names and shapes in order (the API refuses mixing them). */
export function spaceOf(v: Pick<Version, 'param_map'>): string {
  return v.param_map.map((p) => `${p.name}[${p.shape.join(',')}]`).join(';');
}

/** How a person tells spaces apart: the base model's name and how many parameters it maps. */
export function spaceLabel(v: Pick<Version, 'base_model' | 'param_map' | 'unpruned_length'>): string {
  const base = v.base_model ?? 'unnamed base';
  const n = v.param_map.length;
  return `${base} (${n} parameter${n === 1 ? '' : 's'}, ${v.unpruned_length.toLocaleString('en-US')} dims)`;
}

/** Seed groups: every tag carried by at least one of `versions` → those versions, in their order. */
export function tagGroups(versions: readonly Version[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const v of versions) for (const tag of v.tags) groups.set(tag, [...(groups.get(tag) ?? []), refOf(v)]);
  return groups;
}

/** The rows of the matrix: picked versions one by one, or picked tags as seed groups. */
export function matrixRows(
  mode: 'versions' | 'seeds',
  picked: readonly string[],
  versions: readonly Version[],
): MatrixRow[] {
  if (mode === 'versions') return picked.map((ref) => ({ id: ref, refs: [ref] }));
  const groups = tagGroups(versions);
  return picked.flatMap((tag) => {
    const refs = groups.get(tag);
    return refs && refs.length > 0 ? [{ id: tag, refs }] : [];
  });
}

export interface MatrixOptions {
  readonly measure: Measure;
  /** null: the measure's default part (decoder-weight for topk_overlap, else encoder-weight). */
  readonly part: Part | null;
  /** null: all coordinates. */
  readonly topk: TopkRequest | null;
  readonly groupBy: GroupBy;
  readonly seedAggregate: SeedAggregate;
  readonly dispersion: Dispersion;
}

/** The POST /api/compare/matrix body: seed groups as {id, refs}, single versions as name@ref. */
export function matrixBody(rows: readonly MatrixRow[], o: MatrixOptions): SimilarityMatrixBody {
  const seeded = isMultiSeed(rows);
  return {
    models: rows.map((r) => (r.id === r.refs[0] ? r.id : { id: r.id, refs: [...r.refs] })),
    measure: o.measure,
    ...(o.part !== null ? { part: o.part } : {}),
    ...(o.topk !== null ? { topk: o.topk } : {}),
    ...(o.groupBy !== 'none' && !seeded ? { group_by: o.groupBy } : {}),
    ...(seeded ? { seed_aggregate: o.seedAggregate, dispersion: o.dispersion } : {}),
  };
}

/** Whether any row is a group of several seeds (then cells aggregate pairs; no grouping by parameter). */
export function isMultiSeed(rows: readonly MatrixRow[]): boolean {
  return rows.some((r) => r.refs.length > 1);
}

/** Measures that compare top-k sets: they need a k. */
export function needsTopk(measure: Measure): boolean {
  return measure === 'topk_overlap' || measure === 'mass_overlap';
}

type Stats = NonNullable<SimilarityMatrixResponse['cell_stats']>[number][number];

/**
 * One drawable matrix: the plain similarity matrix, one of the grouped result's per-group matrices,
 * or a cross-encoding matrix (rows encode columns; not square in general, cells may be empty).
 */
export interface MatrixPanel {
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** How a cell reads: `<row> <relation> <column>` ("vs" for similarity). */
  readonly relation: string;
  /** null: no value (the cell could not be computed; `notes` says why). */
  readonly matrix: readonly (readonly (number | null)[])[];
  /** Seed groups: per cell, its statistics. */
  readonly stats: readonly (readonly (Stats | null)[])[] | undefined;
  /** Per cell, why it is empty ('' where it is not). */
  readonly notes?: readonly (readonly string[])[];
}

export function matrixPanels(r: SimilarityMatrixResponse): MatrixPanel[] {
  const square = (title: string, ids: readonly string[], matrix: readonly (readonly number[])[]) => ({
    title,
    rows: ids,
    columns: ids,
    relation: 'vs',
    matrix,
  });
  if (r.kind === 'grouped')
    return Object.entries(r.groups ?? {}).map(([name, g]) => ({
      ...square(name, g.model_ids, g.matrix),
      stats: undefined,
    }));
  return [{ ...square('all parameters', r.model_ids, r.matrix ?? []), stats: r.cell_stats }];
}

/** A seed cell's statistics as a person reads them: n pairs, aggregate, spread. */
export function describeStats(s: Stats, aggregate: string): string {
  const parts = [`n = ${s.n}`, `${aggregate} = ${fmt(s.aggregate)}`];
  if (s.std !== undefined) parts.push(`std = ${fmt(s.std)}`);
  if (s.range_half_width !== undefined) parts.push(`± ${fmt(s.range_half_width)} (half range)`);
  parts.push(`min ${fmt(s.min)}, max ${fmt(s.max)}`);
  return parts.join(' · ');
}

export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}
