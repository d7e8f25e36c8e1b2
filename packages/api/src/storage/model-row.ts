import type { ModelRecord } from './metadata-store.js';

/** A model row joined with its version count and its latest version's headline columns. */
export interface ModelSummaryRow {
  id: number;
  name: string;
  description: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  version_count: number;
  latest_version: number | null;
  latest_input_dim: number | null;
  latest_unpruned_length: number | null;
  latest_latent_dim: number | null;
  latest_dtype: string | null;
  latest_base_model: string | null;
}

/**
 * Columns for `FROM models m`: the latest version is joined as `lv`, its JSON-only fields are
 * extracted by the store's `json` function (SQL differs per database, the result shape does not).
 */
export function modelSummaryColumns(json: (field: string) => string): string {
  return `m.id, m.name, m.description, m.created_at, m.created_by, m.updated_at,
    (SELECT COUNT(*) FROM versions c WHERE c.model_id = m.id) AS version_count,
    lv.version AS latest_version, lv.input_dim AS latest_input_dim, lv.latent_dim AS latest_latent_dim,
    lv.dtype AS latest_dtype, ${json('unpruned_length')} AS latest_unpruned_length,
    ${json('base_model')} AS latest_base_model`;
}

export const LATEST_VERSION_JOIN = `LEFT JOIN versions lv ON lv.id =
  (SELECT x.id FROM versions x WHERE x.model_id = m.id ORDER BY x.version DESC LIMIT 1)`;

export function toModelRecord(
  row: ModelSummaryRow,
  tags: readonly string[],
  aliases: Readonly<Record<string, number>>,
): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags,
    aliases,
    versionCount: Number(row.version_count),
    latestVersion: row.latest_version,
    latest:
      row.latest_version === null
        ? null
        : {
            version: row.latest_version,
            inputDim: Number(row.latest_input_dim),
            unprunedLength: Number(row.latest_unpruned_length),
            latentDim: Number(row.latest_latent_dim),
            dtype: row.latest_dtype ?? '',
            baseModel: row.latest_base_model,
          },
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

/** Groups `(model_id, value)` rows by model id, keeping their order. */
export function groupByModel<T extends { model_id: number }, V>(
  rows: readonly T[],
  value: (row: T) => V,
): Map<number, V[]> {
  const out = new Map<number, V[]>();
  for (const row of rows) {
    const list = out.get(row.model_id);
    if (list) list.push(value(row));
    else out.set(row.model_id, [value(row)]);
  }
  return out;
}
