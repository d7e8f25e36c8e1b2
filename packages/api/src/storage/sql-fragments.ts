import type { ModelQuery } from './metadata-store.js';

/**
 * SQL text both metadata stores run. Where SQLite and PostgreSQL spell something differently the
 * store passes its `SqlSyntax`; the statements, and so the rows they return, are otherwise the same.
 */
export interface SqlSyntax {
  /** Placeholder of the n-th (1-based) argument: `?` or `$n`. */
  param(n: number): string;
  /** A field of a JSON object stored as TEXT in `column`, as a scalar. */
  jsonField(column: string, field: string): string;
  /** `column` compared bytewise, for ORDER BY (SQLite's default BINARY collation). */
  bytewise(column: string): string;
  /** The LIKE operator that ignores ASCII case. */
  like: string;
}

/** Collects a statement's arguments and hands out their placeholders in order. */
export class SqlArgs {
  readonly values: unknown[] = [];

  constructor(private readonly syntax: SqlSyntax) {}

  add(value: unknown): string {
    this.values.push(value);
    return this.syntax.param(this.values.length);
  }
}

export interface SqlStatement {
  readonly sql: string;
  readonly args: readonly unknown[];
}

function params(syntax: SqlSyntax, count: number): string {
  return Array.from({ length: count }, (_, i) => syntax.param(i + 1)).join(', ');
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Versions joined with their model's name and their parent's model and number (a `VersionRow`). */
export const VERSION_SELECT = `
  SELECT v.id, v.model_id, v.version, v.description, v.tags, v.summary, v.parent_id, v.operation,
    v.operation_args, v.created_at, v.created_by,
    m.name AS model_name, pm.name AS parent_model, p.version AS parent_version
  FROM versions v
  JOIN models m ON m.id = v.model_id
  LEFT JOIN versions p ON p.id = v.parent_id
  LEFT JOIN models pm ON pm.id = p.model_id`;

const LATEST_VERSION_JOIN = `LEFT JOIN versions lv ON lv.id =
  (SELECT x.id FROM versions x WHERE x.model_id = m.id ORDER BY x.version DESC LIMIT 1)`;

/** Models with their version count and latest version's headline columns (a `ModelSummaryRow`). */
export function modelSelect(syntax: SqlSyntax): string {
  const json = (field: string): string => syntax.jsonField('lv.summary', field);
  return `SELECT m.id, m.name, m.description, m.created_at, m.created_by, m.updated_at,
    (SELECT COUNT(*) FROM versions c WHERE c.model_id = m.id) AS version_count,
    lv.version AS latest_version, lv.input_dim AS latest_input_dim, lv.latent_dim AS latest_latent_dim,
    lv.dtype AS latest_dtype, ${json('unpruned_length')} AS latest_unpruned_length,
    ${json('base_model')} AS latest_base_model
  FROM models m ${LATEST_VERSION_JOIN}`;
}

function modelSorts(syntax: SqlSyntax): Readonly<Record<ModelQuery['sort'], string>> {
  return {
    name: `${syntax.bytewise('m.name')} ASC`,
    '-name': `${syntax.bytewise('m.name')} DESC`,
    created: 'm.created_at ASC, m.id ASC',
    '-created': 'm.created_at DESC, m.id DESC',
    updated: 'm.updated_at ASC, m.id ASC',
    '-updated': 'm.updated_at DESC, m.id DESC',
  };
}

/** One page of `listModels` (`ModelSummaryRow`s) and the count of all matches (`{ n }`). */
export function listModelsStatements(
  syntax: SqlSyntax,
  query: ModelQuery,
): { count: SqlStatement; page: SqlStatement } {
  const args = new SqlArgs(syntax);
  const where: string[] = [];
  if (query.q) {
    const like = `%${escapeLike(query.q)}%`;
    where.push(
      `(m.name ${syntax.like} ${args.add(like)} ESCAPE '\\' OR m.description ${syntax.like} ${args.add(like)} ESCAPE '\\')`,
    );
  }
  if (query.tag) {
    where.push(
      `EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.tag = ${args.add(query.tag)})`,
    );
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const count = {
    sql: `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM models m ${clause}`,
    args: [...args.values],
  };
  const order = modelSorts(syntax)[query.sort];
  const page = `${modelSelect(syntax)} ${clause} ORDER BY ${order} LIMIT ${args.add(query.limit)} OFFSET ${args.add(query.offset)}`;
  return { count, page: { sql: page, args: args.values } };
}

/** One page of `listAudit` (`AuditRow`s), newest first. */
export function listAuditStatement(
  syntax: SqlSyntax,
  query: { model?: string; action?: string; limit: number; offset: number },
): SqlStatement {
  const args = new SqlArgs(syntax);
  const where: string[] = [];
  if (query.model !== undefined) where.push(`model = ${args.add(query.model)}`);
  if (query.action !== undefined) where.push(`action = ${args.add(query.action)}`);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return {
    sql: `SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ${args.add(query.limit)} OFFSET ${args.add(query.offset)}`,
    args: args.values,
  };
}

/** Tags (`{ model_id, tag }`) and aliases (`{ model_id, alias, version }`) of a set of models. */
export function modelTagsAndAliasesSelects(
  syntax: SqlSyntax,
  idsIn: string,
): { tags: string; aliases: string } {
  return {
    tags: `SELECT model_id, tag FROM model_tags WHERE model_id ${idsIn} ORDER BY ${syntax.bytewise('tag')}`,
    aliases: `SELECT a.model_id, a.alias, v.version FROM aliases a JOIN versions v ON v.id = a.version_id
      WHERE a.model_id ${idsIn} ORDER BY ${syntax.bytewise('a.alias')}`,
  };
}

/** The parts of a version kept outside its row: files (`FileRecord`s) and aliases (`{ alias }`). */
export function versionPartsSelects(syntax: SqlSyntax, fileSize: string): { files: string; aliases: string } {
  const p = syntax.param(1);
  return {
    files: `SELECT name, sha256, ${fileSize} AS size FROM version_files WHERE version_id = ${p} ORDER BY ${syntax.bytewise('name')}`,
    aliases: `SELECT alias FROM aliases WHERE version_id = ${p} ORDER BY ${syntax.bytewise('alias')}`,
  };
}

/** Versions derived from one version (`VersionNodeRow`s), in a stable order. */
export function childVersionsSelect(syntax: SqlSyntax): string {
  return `SELECT v.id, m.name, v.version FROM versions v JOIN models m ON m.id = v.model_id
    WHERE v.parent_id = ${syntax.param(1)} ORDER BY ${syntax.bytewise('m.name')}, v.version`;
}

/** Which version `ref` (a number, `latest` or an alias) of a model names; one `VersionRow`. */
export function versionByRefStatement(syntax: SqlSyntax, model: string, ref: number | string): SqlStatement {
  const args = new SqlArgs(syntax);
  if (typeof ref === 'number') {
    return {
      sql: `${VERSION_SELECT} WHERE m.name = ${args.add(model)} AND v.version = ${args.add(ref)}`,
      args: args.values,
    };
  }
  if (ref === 'latest') {
    return {
      sql: `${VERSION_SELECT} WHERE m.name = ${args.add(model)} ORDER BY v.version DESC LIMIT 1`,
      args: args.values,
    };
  }
  return {
    sql: `${VERSION_SELECT} JOIN aliases a ON a.version_id = v.id WHERE m.name = ${args.add(model)} AND a.alias = ${args.add(ref)}`,
    args: args.values,
  };
}

export function versionInsert(syntax: SqlSyntax): string {
  return `INSERT INTO versions (model_id, version, description, tags, summary, input_dim, latent_dim, dtype,
    param_map_hash, parent_id, operation, operation_args, created_at, created_by) VALUES (${params(syntax, 14)})`;
}

export function auditInsert(syntax: SqlSyntax): string {
  return `INSERT INTO audit_log (at, actor, action, model, version, details) VALUES (${params(syntax, 6)})`;
}

export function aliasUpsert(syntax: SqlSyntax): string {
  return `INSERT INTO aliases (model_id, alias, version_id, updated_at, updated_by) VALUES (${params(syntax, 5)})
    ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id,
      updated_at = excluded.updated_at, updated_by = excluded.updated_by`;
}

export function tokenInsert(syntax: SqlSyntax): string {
  return `INSERT INTO tokens (name, role, token_hash, created_at, created_by) VALUES (${params(syntax, 5)})`;
}
