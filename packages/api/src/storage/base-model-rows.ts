import type { BaseModelFile, BaseModelLineage, BaseModelRecord, NewBaseModel } from './metadata-store.js';

/** A base_models row as both drivers return it (sizes may come back as strings from PostgreSQL). */
export interface BaseModelRow {
  readonly sha256: string;
  readonly name: string;
  readonly size: number | string;
  readonly onnx_sha256: string | null;
  readonly onnx_size: number | string | null;
  readonly test_set_sha256: string | null;
  readonly test_set_size: number | string | null;
  readonly lineage: string | null;
  readonly files: string | null;
  readonly created_at: string;
  readonly created_by: string;
}

export function toBaseModelRecord(row: BaseModelRow): BaseModelRecord {
  return {
    sha256: row.sha256,
    name: row.name,
    size: Number(row.size),
    onnx: row.onnx_sha256 === null ? null : { sha256: row.onnx_sha256, size: Number(row.onnx_size) },
    testSet:
      row.test_set_sha256 === null ? null : { sha256: row.test_set_sha256, size: Number(row.test_set_size) },
    lineage: row.lineage === null ? null : (JSON.parse(row.lineage) as BaseModelLineage),
    files: row.files === null || row.files === undefined ? null : (JSON.parse(row.files) as BaseModelFile[]),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** Column values of an insert, in BASE_MODEL_COLUMNS order. */
export function baseModelValues(input: NewBaseModel, at: string): unknown[] {
  return [
    input.sha256,
    input.name,
    input.size,
    input.onnx?.sha256 ?? null,
    input.onnx?.size ?? null,
    input.testSet?.sha256 ?? null,
    input.testSet?.size ?? null,
    input.lineage === null ? null : JSON.stringify(input.lineage),
    input.files
      ? JSON.stringify(input.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })))
      : null,
    at,
    input.actor,
  ];
}

export const BASE_MODEL_COLUMNS =
  'sha256, name, size, onnx_sha256, onnx_size, test_set_sha256, test_set_size, lineage, files, created_at, created_by';

/** `?` or `$n` placeholders for the insert. */
export function baseModelInsert(placeholder: (i: number) => string): string {
  const values = BASE_MODEL_COLUMNS.split(', ').map((_, i) => placeholder(i + 1));
  return `INSERT INTO base_models (${BASE_MODEL_COLUMNS}) VALUES (${values.join(', ')})`;
}

/** Fills a missing ONNX graph / test set of an existing record (never replaces one). */
export function baseModelFill(placeholder: (i: number) => string): string {
  const p = placeholder;
  return `UPDATE base_models SET onnx_sha256 = COALESCE(onnx_sha256, ${p(1)}), onnx_size = COALESCE(onnx_size, ${p(2)}),
    test_set_sha256 = COALESCE(test_set_sha256, ${p(3)}), test_set_size = COALESCE(test_set_size, ${p(4)}) WHERE sha256 = ${p(5)}`;
}

export function baseModelFillValues(input: NewBaseModel): unknown[] {
  return [
    input.onnx?.sha256 ?? null,
    input.onnx?.size ?? null,
    input.testSet?.sha256 ?? null,
    input.testSet?.size ?? null,
    input.sha256,
  ];
}

/** Does a base model use the blob (as weights, ONNX graph, test set or one of its shard files)? */
export function baseModelReferencesBlob(placeholder: (i: number) => string): string {
  const p = placeholder;
  // The files column is small JSON; a 64-hex SHA-256 inside it is unambiguous.
  return `SELECT 1 AS x FROM base_models WHERE sha256 = ${p(1)} OR onnx_sha256 = ${p(2)} OR test_set_sha256 = ${p(3)} OR files LIKE ${p(4)} LIMIT 1`;
}

/** The parameters of baseModelReferencesBlob for one blob. */
export function baseModelReferenceParams(sha256: string): [string, string, string, string] {
  return [sha256, sha256, sha256, `%"sha256":"${sha256}"%`];
}
