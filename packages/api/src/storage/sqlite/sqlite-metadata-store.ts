import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ApiError } from '../../errors/api-error.js';
import type {
  AuditEntry,
  CheckpointSummary,
  DeleteResult,
  FileRecord,
  MetadataStore,
  ModelQuery,
  ModelRecord,
  NewAuditEntry,
  NewVersion,
  Operation,
  Role,
  TokenRecord,
  VersionRecord,
  VersionRef,
} from '../metadata-store.js';
import {
  LATEST_VERSION_JOIN,
  groupByModel,
  modelSummaryColumns,
  toModelRecord,
  type ModelSummaryRow,
} from '../model-row.js';
import { migrationsFor } from '../migrations.js';

interface ModelRow {
  id: number;
  name: string;
  description: string;
  last_version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

interface VersionRow {
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

interface TokenRow {
  id: number;
  name: string;
  role: Role;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  model: string | null;
  version: number | null;
  details: string;
}

const VERSION_SELECT = `
  SELECT v.*, m.name AS model_name, pm.name AS parent_model, p.version AS parent_version
  FROM versions v
  JOIN models m ON m.id = v.model_id
  LEFT JOIN versions p ON p.id = v.parent_id
  LEFT JOIN models pm ON pm.id = p.model_id`;

const MODEL_SELECT = `SELECT ${modelSummaryColumns((f) => `json_extract(lv.summary, '$.${f}')`)}
  FROM models m ${LATEST_VERSION_JOIN}`;

const SORTS: Readonly<Record<ModelQuery['sort'], string>> = {
  name: 'm.name ASC',
  '-name': 'm.name DESC',
  created: 'm.created_at ASC, m.id ASC',
  '-created': 'm.created_at DESC, m.id DESC',
  updated: 'm.updated_at ASC, m.id ASC',
  '-updated': 'm.updated_at DESC, m.id DESC',
};

function now(): string {
  return new Date().toISOString();
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * SQLite metadata store. better-sqlite3 is synchronous: each method runs its statements inside one
 * `db.transaction` (BEGIN IMMEDIATE for writes), which also serialises concurrent uploads so
 * version numbers are allocated gap-free at commit time.
 */
export class SqliteMetadataStore implements MetadataStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      this.db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    for (const migration of migrationsFor('sqlite')) {
      if (applied.has(migration.version)) continue;
      this.db
        .transaction(() => {
          this.db.exec(migration.sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, now());
        })
        .immediate();
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  private modelRow(name: string): ModelRow | undefined {
    return this.db.prepare<[string], ModelRow>('SELECT * FROM models WHERE name = ?').get(name);
  }

  /** Model rows with tags and aliases: three queries for any number of rows. */
  private toModels(rows: readonly ModelSummaryRow[]): ModelRecord[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const tags = groupByModel(
      this.db
        .prepare<[string], { model_id: number; tag: string }>(
          'SELECT model_id, tag FROM model_tags WHERE model_id IN (SELECT value FROM json_each(?)) ORDER BY tag',
        )
        .all(ids),
      (r) => r.tag,
    );
    const aliases = groupByModel(
      this.db
        .prepare<[string], { model_id: number; alias: string; version: number }>(
          `SELECT a.model_id, a.alias, v.version FROM aliases a JOIN versions v ON v.id = a.version_id
           WHERE a.model_id IN (SELECT value FROM json_each(?)) ORDER BY a.alias`,
        )
        .all(ids),
      (r) => [r.alias, r.version] as const,
    );
    return rows.map((r) =>
      toModelRecord(r, tags.get(r.id) ?? [], Object.fromEntries(aliases.get(r.id) ?? [])),
    );
  }

  private modelSummary(name: string): ModelRecord | null {
    const row = this.db.prepare<[string], ModelSummaryRow>(`${MODEL_SELECT} WHERE m.name = ?`).get(name);
    return row ? (this.toModels([row])[0] ?? null) : null;
  }

  private toVersion(row: VersionRow): VersionRecord {
    const files = this.db
      .prepare<[number], FileRecord>(
        'SELECT name, sha256, size FROM version_files WHERE version_id = ? ORDER BY name',
      )
      .all(row.id);
    const aliases = this.db
      .prepare<[number], { alias: string }>('SELECT alias FROM aliases WHERE version_id = ? ORDER BY alias')
      .all(row.id)
      .map((r) => r.alias);
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

  private audit(entry: NewAuditEntry): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, model, version, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        now(),
        entry.actor,
        entry.action,
        entry.model ?? null,
        entry.version ?? null,
        JSON.stringify(entry.details ?? {}),
      );
  }

  private setTags(modelId: number, tags: readonly string[]): void {
    this.db.prepare('DELETE FROM model_tags WHERE model_id = ?').run(modelId);
    const insert = this.db.prepare('INSERT OR IGNORE INTO model_tags (model_id, tag) VALUES (?, ?)');
    for (const tag of tags) insert.run(modelId, tag);
  }

  async listModels(query: ModelQuery): Promise<{ items: ModelRecord[]; total: number }> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.q) {
      where.push("(m.name LIKE ? ESCAPE '\\' OR m.description LIKE ? ESCAPE '\\')");
      const like = `%${escapeLike(query.q)}%`;
      args.push(like, like);
    }
    if (query.tag) {
      where.push('EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.tag = ?)');
      args.push(query.tag);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total =
      this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM models m ${clause}`).get(...args)
        ?.n ?? 0;
    const rows = this.db
      .prepare<unknown[], ModelSummaryRow>(
        `${MODEL_SELECT} ${clause} ORDER BY ${SORTS[query.sort]} LIMIT ? OFFSET ?`,
      )
      .all(...args, query.limit, query.offset);
    return { items: this.toModels(rows), total };
  }

  async getModel(name: string): Promise<ModelRecord | null> {
    return this.modelSummary(name);
  }

  async isEmpty(): Promise<boolean> {
    return (this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM models').get()?.n ?? 0) === 0;
  }

  async updateModel(
    name: string,
    patch: { description?: string; tags?: readonly string[] },
    actor: string,
  ): Promise<ModelRecord | null> {
    return this.db
      .transaction(() => {
        const row = this.modelRow(name);
        if (!row) return null;
        if (patch.description !== undefined) {
          this.db.prepare('UPDATE models SET description = ? WHERE id = ?').run(patch.description, row.id);
        }
        if (patch.tags !== undefined) this.setTags(row.id, patch.tags);
        this.db.prepare('UPDATE models SET updated_at = ? WHERE id = ?').run(now(), row.id);
        this.audit({ actor, action: 'model.update', model: name, details: { ...patch } });
        return this.modelSummary(name);
      })
      .immediate();
  }

  async createVersion(input: NewVersion): Promise<VersionRecord> {
    return this.db
      .transaction(() => {
        const at = now();
        let model = this.modelRow(input.model);
        if (!model) {
          this.db
            .prepare(
              'INSERT INTO models (name, description, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?)',
            )
            .run(input.model, input.description, at, input.actor, at);
          model = this.modelRow(input.model);
          if (!model) throw new Error('model insert failed');
          this.setTags(model.id, input.tags);
        }
        const version = model.last_version + 1;
        this.db
          .prepare('UPDATE models SET last_version = ?, updated_at = ? WHERE id = ?')
          .run(version, at, model.id);
        const s = input.summary;
        const result = this.db
          .prepare(
            `INSERT INTO versions (model_id, version, description, tags, summary, input_dim, latent_dim, dtype,
               param_map_hash, parent_id, operation, operation_args, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            model.id,
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
          );
        const versionId = Number(result.lastInsertRowid);
        const insertFile = this.db.prepare(
          'INSERT INTO version_files (version_id, name, sha256, size) VALUES (?, ?, ?, ?)',
        );
        for (const f of input.files) insertFile.run(versionId, f.name, f.sha256, f.size);
        this.audit({
          actor: input.actor,
          action: input.operation === 'prune' ? 'version.prune' : 'version.upload',
          model: input.model,
          version,
          details: {
            files: input.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })),
            ...(input.operationArgs ? { args: input.operationArgs } : {}),
            ...(input.parentId !== null ? { parent_id: input.parentId } : {}),
          },
        });
        const row = this.db.prepare<[number], VersionRow>(`${VERSION_SELECT} WHERE v.id = ?`).get(versionId);
        if (!row) throw new Error('version insert failed');
        return this.toVersion(row);
      })
      .immediate();
  }

  async listVersions(model: string): Promise<VersionRecord[]> {
    return this.db
      .prepare<[string], VersionRow>(`${VERSION_SELECT} WHERE m.name = ? ORDER BY v.version ASC`)
      .all(model)
      .map((r) => this.toVersion(r));
  }

  private versionRow(model: string, ref: number | string): VersionRow | undefined {
    if (typeof ref === 'number') {
      return this.db
        .prepare<[string, number], VersionRow>(`${VERSION_SELECT} WHERE m.name = ? AND v.version = ?`)
        .get(model, ref);
    }
    if (ref === 'latest') {
      return this.db
        .prepare<[string], VersionRow>(`${VERSION_SELECT} WHERE m.name = ? ORDER BY v.version DESC LIMIT 1`)
        .get(model);
    }
    return this.db
      .prepare<[string, string], VersionRow>(
        `${VERSION_SELECT} JOIN aliases a ON a.version_id = v.id WHERE m.name = ? AND a.alias = ?`,
      )
      .get(model, ref);
  }

  async getVersion(model: string, ref: number | string): Promise<VersionRecord | null> {
    const row = this.versionRow(model, ref);
    return row ? this.toVersion(row) : null;
  }

  async getVersionById(id: number): Promise<VersionRecord | null> {
    const row = this.db.prepare<[number], VersionRow>(`${VERSION_SELECT} WHERE v.id = ?`).get(id);
    return row ? this.toVersion(row) : null;
  }

  async updateVersion(
    model: string,
    version: number,
    patch: { description?: string; tags?: readonly string[] },
    actor: string,
  ): Promise<VersionRecord | null> {
    return this.db
      .transaction(() => {
        const row = this.versionRow(model, version);
        if (!row) return null;
        if (patch.description !== undefined) {
          this.db.prepare('UPDATE versions SET description = ? WHERE id = ?').run(patch.description, row.id);
        }
        if (patch.tags !== undefined) {
          this.db
            .prepare('UPDATE versions SET tags = ? WHERE id = ?')
            .run(JSON.stringify(patch.tags), row.id);
        }
        this.audit({ actor, action: 'version.update', model, version, details: { ...patch } });
        const updated = this.versionRow(model, version);
        return updated ? this.toVersion(updated) : null;
      })
      .immediate();
  }

  private childRows(versionId: number): { id: number; name: string; version: number }[] {
    return this.db
      .prepare<[number], { id: number; name: string; version: number }>(
        'SELECT v.id, m.name, v.version FROM versions v JOIN models m ON m.id = v.model_id WHERE v.parent_id = ? ORDER BY m.name, v.version',
      )
      .all(versionId);
  }

  async listChildren(versionId: number): Promise<VersionRef[]> {
    return this.childRows(versionId).map(({ name, version }) => ({ name, version }));
  }

  async deleteVersion(
    model: string,
    version: number,
    cascade: boolean,
    actor: string,
  ): Promise<DeleteResult> {
    return this.db
      .transaction((): DeleteResult => {
        const root = this.versionRow(model, version);
        if (!root)
          throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `model ${model} has no version ${version}`);
        const children = this.childRows(root.id);
        if (children.length > 0 && !cascade) {
          throw new ApiError(
            'GRADIEND_ERR_VERSION_HAS_DERIVED',
            `${model}@${version} has derived versions (${children.map((c) => `${c.name}@${c.version}`).join(', ')}); pass ?cascade=true to delete them too`,
            { derived: children.map(({ name, version: v }) => ({ name, version: v })) },
          );
        }
        // Post-order walk so children are deleted before their parent (parent_id has no cascade).
        const order: { id: number; name: string; version: number }[] = [];
        const visit = (node: { id: number; name: string; version: number }): void => {
          for (const child of this.childRows(node.id)) visit(child);
          order.push(node);
        };
        visit({ id: root.id, name: model, version });
        const shas = new Set<string>();
        for (const node of order) {
          for (const f of this.db
            .prepare<[number], { sha256: string }>('SELECT sha256 FROM version_files WHERE version_id = ?')
            .all(node.id)) {
            shas.add(f.sha256);
          }
          this.db.prepare('DELETE FROM versions WHERE id = ?').run(node.id);
          this.audit({
            actor,
            action: 'version.delete',
            model: node.name,
            version: node.version,
            details: node.id === root.id ? { cascade } : { cascade_from: `${model}@${version}` },
          });
        }
        const referenced = this.db.prepare<[string], { n: number }>(
          'SELECT COUNT(*) AS n FROM version_files WHERE sha256 = ?',
        );
        return {
          deleted: order.map(({ name, version: v }) => ({ name, version: v })),
          unreferencedBlobs: [...shas].filter((sha) => (referenced.get(sha)?.n ?? 0) === 0),
        };
      })
      .immediate();
  }

  async setAlias(model: string, alias: string, version: number, actor: string): Promise<void> {
    this.db
      .transaction(() => {
        const row = this.versionRow(model, version);
        if (!row)
          throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `model ${model} has no version ${version}`);
        const previous = this.versionRow(model, alias);
        this.db
          .prepare(
            `INSERT INTO aliases (model_id, alias, version_id, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id,
               updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          )
          .run(row.model_id, alias, row.id, now(), actor);
        this.audit({
          actor,
          action: 'alias.set',
          model,
          version,
          details: { alias, previous: previous?.version ?? null },
        });
      })
      .immediate();
  }

  async deleteAlias(model: string, alias: string, actor: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.versionRow(model, alias);
        if (!row) return false;
        this.db.prepare('DELETE FROM aliases WHERE model_id = ? AND alias = ?').run(row.model_id, alias);
        this.audit({ actor, action: 'alias.delete', model, version: row.version, details: { alias } });
        return true;
      })
      .immediate();
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    return (
      this.db
        .prepare<[string], { x: number }>('SELECT 1 AS x FROM version_files WHERE sha256 = ? LIMIT 1')
        .get(sha256) !== undefined
    );
  }

  private toToken(row: TokenRow): TokenRecord {
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

  async createToken(input: {
    name: string;
    role: Role;
    tokenHash: string;
    actor: string;
  }): Promise<TokenRecord> {
    return this.db
      .transaction(() => {
        const exists = this.db.prepare('SELECT 1 FROM tokens WHERE name = ?').get(input.name);
        if (exists)
          throw new ApiError('GRADIEND_ERR_TOKEN_NAME_TAKEN', `a token named ${input.name} already exists`);
        const result = this.db
          .prepare(
            'INSERT INTO tokens (name, role, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)',
          )
          .run(input.name, input.role, input.tokenHash, now(), input.actor);
        this.audit({
          actor: input.actor,
          action: 'token.create',
          details: { name: input.name, role: input.role },
        });
        const row = this.db
          .prepare<[number], TokenRow>('SELECT * FROM tokens WHERE id = ?')
          .get(Number(result.lastInsertRowid));
        if (!row) throw new Error('token insert failed');
        return this.toToken(row);
      })
      .immediate();
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    const row = this.db
      .prepare<[string], TokenRow>('SELECT * FROM tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .get(tokenHash);
    return row ? this.toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.db
      .prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY name')
      .all()
      .map((r) => this.toToken(r));
  }

  async revokeToken(name: string, actor: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const result = this.db
          .prepare('UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
          .run(now(), name);
        if (result.changes === 0) return false;
        this.audit({ actor, action: 'token.revoke', details: { name } });
        return true;
      })
      .immediate();
  }

  async touchToken(id: number): Promise<void> {
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now(), id);
  }

  async appendAudit(entry: NewAuditEntry): Promise<void> {
    this.audit(entry);
  }

  async listAudit(query: {
    model?: string;
    action?: string;
    limit: number;
    offset: number;
  }): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.model !== undefined) {
      where.push('model = ?');
      args.push(query.model);
    }
    if (query.action !== undefined) {
      where.push('action = ?');
      args.push(query.action);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db
      .prepare<unknown[], AuditRow>(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, query.limit, query.offset)
      .map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  }
}
