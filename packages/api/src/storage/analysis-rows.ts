import type { AnalysisRecord } from './metadata-store.js';

/** An analysis_cache row as both SQL stores return it (PostgreSQL BIGINT arrives as a string). */
export interface AnalysisRow {
  readonly content_key: string;
  readonly part: string;
  readonly format: string;
  readonly importance_sha256: string;
  readonly importance_size: number | string;
  readonly summary_sha256: string;
  readonly summary_size: number | string;
}

export function analysisRecord(row: AnalysisRow): AnalysisRecord {
  return {
    contentKey: row.content_key,
    part: row.part,
    format: row.format,
    importance: { sha256: row.importance_sha256, size: Number(row.importance_size) },
    summary: { sha256: row.summary_sha256, size: Number(row.summary_size) },
  };
}

/** The insert's values in column order (created_at follows). */
export function analysisValues(r: AnalysisRecord): [string, string, string, string, number, string, number] {
  return [
    r.contentKey,
    r.part,
    r.format,
    r.importance.sha256,
    r.importance.size,
    r.summary.sha256,
    r.summary.size,
  ];
}
