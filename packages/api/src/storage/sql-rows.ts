import { ApiError } from '../errors/api-error.js';
import type {
  AuditEntry,
  CheckpointSummary,
  FileRecord,
  ModelRecord,
  NewAuditEntry,
  NewVersion,
  Operation,
  Role,
  TokenRecord,
  VersionRecord,
  VersionRef,
} from './metadata-store.js';

/**
 * Row shapes of the shared schema (migrations.ts) and their mapping to and from the store's records.
 * Both SQL metadata stores read and write the same TEXT columns (ISO timestamps, serialised JSON),
 * so nothing here depends on the database.
 */

export interface ModelRow {
  id: number;
  name: string;
  description: string;
  last_version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

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

/** A version row joined with its model's name and its parent's model and number (VERSION_SELECT). */
export interface VersionRow {
  id: number;
  model_id: number;
  model_name: string;
  version: number;
  description: string;
  tags: string;
  summary: string;
  parent_id: number | null;
  parent_model: string | null;
  parent_version: number | null;
  operation: string;
  operation_args: string | null;
  created_at: string;
  created_by: string;
}

/** A version as a node of the derivation tree (CHILD_VERSIONS_SELECT). */
export interface VersionNodeRow {
  id: number;
  name: string;
  version: number;
}

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  model: string | null;
  version: number | null;
  details: string;
}

/** Timestamps are stored as ISO strings and served verbatim. */
export function now(): string {
  return new Date().toISOString();
}

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

/** Models with the tag and alias rows of a batch (see the stores' `toModels`). */
export function toModelRecords(
  rows: readonly ModelSummaryRow[],
  tagRows: readonly { model_id: number; tag: string }[],
  aliasRows: readonly { model_id: number; alias: string; version: number }[],
): ModelRecord[] {
  const tags = groupByModel(tagRows, (r) => r.tag);
  const aliases = groupByModel(aliasRows, (r) => [r.alias, r.version] as const);
  return rows.map((r) => toModelRecord(r, tags.get(r.id) ?? [], Object.fromEntries(aliases.get(r.id) ?? [])));
}

export function toVersionRecord(
  row: VersionRow,
  files: readonly FileRecord[],
  aliases: readonly string[],
): VersionRecord {
  return {
    id: row.id,
    model: row.model_name,
    version: row.version,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    summary: JSON.parse(row.summary) as CheckpointSummary,
    files,
    parent:
      row.parent_model !== null && row.parent_version !== null
        ? { name: row.parent_model, version: row.parent_version }
        : null,
    operation: row.operation as Operation,
    operationArgs:
      row.operation_args === null ? null : (JSON.parse(row.operation_args) as Record<string, unknown>),
    createdAt: row.created_at,
    createdBy: row.created_by,
    aliases,
  };
}

export function toTokenRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}

/** Arguments of VERSION_INSERT, in column order. */
export function versionInsertValues(
  modelId: number,
  version: number,
  input: NewVersion,
  at: string,
): unknown[] {
  const s = input.summary;
  return [
    modelId,
    version,
    input.description,
    JSON.stringify(input.tags),
    JSON.stringify(s),
    s.input_dim,
    s.latent_dim,
    s.dtype,
    s.param_map_hash,
    input.parentId,
    input.operation,
    input.operationArgs === null ? null : JSON.stringify(input.operationArgs),
    at,
    input.actor,
  ];
}

/** Arguments of AUDIT_INSERT, in column order. */
export function auditInsertValues(entry: NewAuditEntry, at: string): unknown[] {
  return [
    at,
    entry.actor,
    entry.action,
    entry.model ?? null,
    entry.version ?? null,
    JSON.stringify(entry.details ?? {}),
  ];
}

/** The audit entry of a new version (upload or prune). */
export function versionCreatedAudit(input: NewVersion, version: number): NewAuditEntry {
  return {
    actor: input.actor,
    action: input.operation === 'prune' ? 'version.prune' : 'version.upload',
    model: input.model,
    version,
    details: {
      files: input.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })),
      ...(input.operationArgs ? { args: input.operationArgs } : {}),
      ...(input.parentId !== null ? { parent_id: input.parentId } : {}),
    },
  };
}

/** The audit entry of one version removed by deleteVersion (the root, or one derived from it). */
export function versionDeletedAudit(
  node: VersionNodeRow,
  root: { id: number; model: string; version: number },
  cascade: boolean,
  actor: string,
): NewAuditEntry {
  return {
    actor,
    action: 'version.delete',
    model: node.name,
    version: node.version,
    details: node.id === root.id ? { cascade } : { cascade_from: `${root.model}@${root.version}` },
  };
}

export function versionNotFound(model: string, version: number): ApiError {
  return new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `model ${model} has no version ${version}`);
}

export function versionHasDerived(model: string, version: number, children: readonly VersionRef[]): ApiError {
  return new ApiError(
    'GRADIEND_ERR_VERSION_HAS_DERIVED',
    `${model}@${version} has derived versions (${children.map((c) => `${c.name}@${c.version}`).join(', ')}); pass ?cascade=true to delete them too`,
    { derived: children.map(({ name, version: v }) => ({ name, version: v })) },
  );
}

/** A model still has versions (one was added while its versions were being deleted). */
export function modelHasVersions(model: string): ApiError {
  return new ApiError(
    'GRADIEND_ERR_VERSION_HAS_DERIVED',
    `model ${model} still has versions; delete them first`,
  );
}

export function tokenNameTaken(name: string): ApiError {
  return new ApiError('GRADIEND_ERR_TOKEN_NAME_TAKEN', `a token named ${name} already exists`);
}

/** A prune or other derived version whose source was deleted before it could be committed. */
export function parentGone(): ApiError {
  return new ApiError(
    'GRADIEND_ERR_VERSION_NOT_FOUND',
    'the version this one derives from was deleted while it was being made; nothing was stored',
  );
}
