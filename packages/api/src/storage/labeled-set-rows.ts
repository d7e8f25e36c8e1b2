import { ApiError } from '../errors/api-error.js';
import type { FileRecord, LabeledSampleRecord, LabeledSetRecord, NewLabeledSet } from './metadata-store.js';

/**
 * SQL and row conversion of labeled gradient sets, shared by both metadata stores (`p(n)` is the
 * dialect's placeholder of the n-th argument).
 */
export interface LabeledSetRow {
  readonly id: number;
  readonly model_name: string;
  readonly name: string;
  readonly description: string;
  readonly root_version: number;
  readonly root_version_id: number;
  readonly format: string;
  readonly n_samples: number;
  readonly input_dim: number | string;
  readonly dtype: string;
  readonly label_counts: string;
  readonly content_sha256: string;
  readonly samples: string;
  readonly bytes: number | string;
  readonly created_at: string;
  readonly created_by: string;
}

export const LABELED_SET_SELECT = `
  SELECT s.id, m.name AS model_name, s.name, s.description, v.version AS root_version, s.root_version_id,
    s.format, s.n_samples, s.input_dim, s.dtype, s.label_counts, s.content_sha256, s.samples, s.bytes,
    s.created_at, s.created_by
  FROM labeled_sets s
  JOIN models m ON m.id = s.model_id
  JOIN versions v ON v.id = s.root_version_id`;

export function labeledSetInsert(p: (n: number) => string): string {
  const values = Array.from({ length: 14 }, (_, i) => p(i + 1)).join(', ');
  return `INSERT INTO labeled_sets (model_id, name, description, root_version_id, format, n_samples,
    input_dim, dtype, label_counts, content_sha256, samples, bytes, created_at, created_by)
    VALUES (${values})`;
}

export function labeledSetInsertValues(modelId: number, input: NewLabeledSet, at: string): unknown[] {
  return [
    modelId,
    input.name,
    input.description,
    input.rootVersionId,
    input.format,
    input.samples.length,
    input.inputDim,
    input.dtype,
    JSON.stringify(input.labelCounts),
    input.contentSha256,
    JSON.stringify(input.samples),
    input.bytes,
    at,
    input.actor,
  ];
}

export function toLabeledSetRecord(row: LabeledSetRow, files: readonly FileRecord[]): LabeledSetRecord {
  return {
    id: row.id,
    model: row.model_name,
    name: row.name,
    description: row.description,
    rootVersion: row.root_version,
    rootVersionId: row.root_version_id,
    format: row.format as LabeledSetRecord['format'],
    nSamples: row.n_samples,
    inputDim: Number(row.input_dim),
    dtype: row.dtype,
    labelCounts: JSON.parse(row.label_counts) as Record<string, number>,
    contentSha256: row.content_sha256,
    samples: JSON.parse(row.samples) as LabeledSampleRecord[],
    files: files.map((f) => ({ name: f.name, sha256: f.sha256, size: Number(f.size) })),
    bytes: Number(row.bytes),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function labeledSetExists(model: string, name: string): ApiError {
  return new ApiError('GRADIEND_ERR_LABELED_SET_EXISTS', `${model} already has a labeled set named ${name}`, {
    model,
    set: name,
  });
}

export function labeledSetRootGone(model: string, set: string): ApiError {
  return new ApiError(
    'GRADIEND_ERR_VERSION_NOT_FOUND',
    `the version of ${model} that labeled set ${set} is given for was deleted meanwhile`,
  );
}

export const labeledSetCreatedAudit = (input: NewLabeledSet, model: string, rootVersion: number) => ({
  actor: input.actor,
  action: 'labeled-set.create',
  model,
  version: rootVersion,
  details: {
    set: input.name,
    format: input.format,
    n_samples: input.samples.length,
    content_sha256: input.contentSha256,
    bytes: input.bytes,
  },
});

/** The sets rooted at a version (they go with it), with their files' blobs. */
export const SETS_OF_ROOT = (p: (n: number) => string) =>
  `SELECT s.id, s.name, s.content_sha256, f.sha256 FROM labeled_sets s
   LEFT JOIN labeled_set_files f ON f.set_id = s.id WHERE s.root_version_id = ${p(1)}`;

export interface SetOfRootRow {
  readonly id: number;
  readonly name: string;
  readonly content_sha256: string;
  readonly sha256: string | null;
}

/** The audit entries of the sets that go with a deleted root (one per set). */
export function setsGoneWithRoot(
  rows: readonly SetOfRootRow[],
  node: { readonly name: string; readonly version: number },
  actor: string,
) {
  const seen = new Map<number, SetOfRootRow>();
  for (const r of rows) seen.set(r.id, r);
  return [...seen.values()].map((r) => ({
    actor,
    action: 'labeled-set.delete',
    model: node.name,
    version: node.version,
    details: { set: r.name, content_sha256: r.content_sha256, reason: 'its root version was deleted' },
  }));
}
