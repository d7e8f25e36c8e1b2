import pg from 'pg';
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

/** Anything that runs a query: the pool, or one client inside a transaction. */
type Db = Pick<pg.PoolClient, 'query'>;

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

interface NodeRow {
  id: number;
  name: string;
  version: number;
}

const VERSION_SELECT = `
  SELECT v.id, v.model_id, v.version, v.description, v.tags, v.summary, v.parent_id, v.operation,
    v.operation_args, v.created_at, v.created_by,
    m.name AS model_name, pm.name AS parent_model, p.version AS parent_version
  FROM versions v
  JOIN models m ON m.id = v.model_id
  LEFT JOIN versions p ON p.id = v.parent_id
  LEFT JOIN models pm ON pm.id = p.model_id`;

// COLLATE "C" sorts bytewise, like SQLite's default BINARY collation.
const MODEL_SELECT = `SELECT ${modelSummaryColumns((f) => `(lv.summary::json ->> '${f}')`)}
  FROM models m ${LATEST_VERSION_JOIN}`;

const SORTS: Readonly<Record<ModelQuery['sort'], string>> = {
  name: 'm.name COLLATE "C" ASC',
  '-name': 'm.name COLLATE "C" DESC',
  created: 'm.created_at ASC, m.id ASC',
  '-created': 'm.created_at DESC, m.id DESC',
  updated: 'm.updated_at ASC, m.id ASC',
  '-updated': 'm.updated_at DESC, m.id DESC',
};

/** Key of the session advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 0x67726164; // "grad"

const UNIQUE_VIOLATION = '23505';

function now(): string {
  return new Date().toISOString();
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === UNIQUE_VIOLATION;
}

async function one<T extends pg.QueryResultRow>(
  db: Db,
  sql: string,
  args: unknown[] = [],
): Promise<T | undefined> {
  return (await db.query<T>(sql, args)).rows[0];
}

async function all<T extends pg.QueryResultRow>(db: Db, sql: string, args: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(sql, args)).rows;
}

/**
 * PostgreSQL metadata store with the SQLite store's observable behaviour. Every write runs in one
 * transaction with its audit entry. Version numbers come from the model row's `last_version`,
 * read and bumped under `SELECT … FOR UPDATE`, so uploads to one model from any number of
 * instances are serialised on that row and numbered gap-free at commit (a rollback undoes the bump).
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly pool: pg.Pool;

  constructor(connectionString: string, options: { max?: number; onError?: (error: Error) => void } = {}) {
    this.pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', options.onError ?? (() => undefined));
  }

  private async tx<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // Instances starting together queue here; the first applies, the others then find nothing to do.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
        );
        const applied = new Set(
          (await all<{ version: number }>(client, 'SELECT version FROM schema_migrations')).map(
            (r) => r.version,
          ),
        );
        for (const migration of migrationsFor('postgres')) {
          if (applied.has(migration.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
              [migration.version, migration.name, now()],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Round trip to the server, for readiness checks. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  private modelRow(db: Db, name: string, lock = false): Promise<ModelRow | undefined> {
    return one<ModelRow>(db, `SELECT * FROM models WHERE name = $1${lock ? ' FOR UPDATE' : ''}`, [name]);
  }

  /** Model rows with tags and aliases: three queries for any number of rows. */
  private async toModels(db: Db, rows: readonly ModelSummaryRow[]): Promise<ModelRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const tags = groupByModel(
      await all<{ model_id: number; tag: string }>(
        db,
        'SELECT model_id, tag FROM model_tags WHERE model_id = ANY($1::int[]) ORDER BY tag COLLATE "C"',
        [ids],
      ),
      (r) => r.tag,
    );
    const aliases = groupByModel(
      await all<{ model_id: number; alias: string; version: number }>(
        db,
        `SELECT a.model_id, a.alias, v.version FROM aliases a JOIN versions v ON v.id = a.version_id
         WHERE a.model_id = ANY($1::int[]) ORDER BY a.alias COLLATE "C"`,
        [ids],
      ),
      (r) => [r.alias, r.version] as const,
    );
    return rows.map((r) =>
      toModelRecord(r, tags.get(r.id) ?? [], Object.fromEntries(aliases.get(r.id) ?? [])),
    );
  }

  private async modelSummary(db: Db, name: string): Promise<ModelRecord | null> {
    const row = await one<ModelSummaryRow>(db, `${MODEL_SELECT} WHERE m.name = $1`, [name]);
    return row ? ((await this.toModels(db, [row]))[0] ?? null) : null;
  }

  private async toVersion(db: Db, row: VersionRow): Promise<VersionRecord> {
    const files = await all<FileRecord>(
      db,
      'SELECT name, sha256, size::float8 AS size FROM version_files WHERE version_id = $1 ORDER BY name COLLATE "C"',
      [row.id],
    );
    const aliases = (
      await all<{ alias: string }>(
        db,
        'SELECT alias FROM aliases WHERE version_id = $1 ORDER BY alias COLLATE "C"',
        [row.id],
      )
    ).map((r) => r.alias);
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

  private async audit(db: Db, entry: NewAuditEntry): Promise<void> {
    await db.query(
      'INSERT INTO audit_log (at, actor, action, model, version, details) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        now(),
        entry.actor,
        entry.action,
        entry.model ?? null,
        entry.version ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  private async setTags(db: Db, modelId: number, tags: readonly string[]): Promise<void> {
    await db.query('DELETE FROM model_tags WHERE model_id = $1', [modelId]);
    for (const tag of tags) {
      await db.query('INSERT INTO model_tags (model_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        modelId,
        tag,
      ]);
    }
  }

  async listModels(query: ModelQuery): Promise<{ items: ModelRecord[]; total: number }> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.q) {
      // ILIKE: SQLite's LIKE ignores ASCII case, and searches should behave the same on both stores.
      const like = `%${escapeLike(query.q)}%`;
      args.push(like);
      where.push(
        `(m.name ILIKE $${args.length} ESCAPE '\\' OR m.description ILIKE $${args.length} ESCAPE '\\')`,
      );
    }
    if (query.tag) {
      args.push(query.tag);
      where.push(`EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.tag = $${args.length})`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total =
      (await one<{ n: number }>(this.pool, `SELECT COUNT(*)::int AS n FROM models m ${clause}`, args))?.n ??
      0;
    const rows = await all<ModelSummaryRow>(
      this.pool,
      `${MODEL_SELECT} ${clause} ORDER BY ${SORTS[query.sort]} LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
      [...args, query.limit, query.offset],
    );
    return { items: await this.toModels(this.pool, rows), total };
  }

  async getModel(name: string): Promise<ModelRecord | null> {
    return this.modelSummary(this.pool, name);
  }

  async isEmpty(): Promise<boolean> {
    return (await one(this.pool, 'SELECT 1 FROM models LIMIT 1')) === undefined;
  }

  async updateModel(
    name: string,
    patch: { description?: string; tags?: readonly string[] },
    actor: string,
  ): Promise<ModelRecord | null> {
    return this.tx(async (db) => {
      const row = await this.modelRow(db, name, true);
      if (!row) return null;
      if (patch.description !== undefined) {
        await db.query('UPDATE models SET description = $1 WHERE id = $2', [patch.description, row.id]);
      }
      if (patch.tags !== undefined) await this.setTags(db, row.id, patch.tags);
      await db.query('UPDATE models SET updated_at = $1 WHERE id = $2', [now(), row.id]);
      await this.audit(db, { actor, action: 'model.update', model: name, details: { ...patch } });
      return this.modelSummary(db, name);
    });
  }

  async createVersion(input: NewVersion): Promise<VersionRecord> {
    return this.tx(async (db) => {
      const at = now();
      let model = await this.modelRow(db, input.model, true);
      if (!model) {
        // Two instances may create the same model at once: the loser's insert is a no-op and it
        // then waits on the winner's row lock below.
        const inserted = await one<ModelRow>(
          db,
          `INSERT INTO models (name, description, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $3)
           ON CONFLICT (name) DO NOTHING RETURNING *`,
          [input.model, input.description, at, input.actor],
        );
        if (inserted) await this.setTags(db, inserted.id, input.tags);
        model = await this.modelRow(db, input.model, true);
        if (!model) throw new Error('model insert failed');
      }
      const version = model.last_version + 1;
      await db.query('UPDATE models SET last_version = $1, updated_at = $2 WHERE id = $3', [
        version,
        at,
        model.id,
      ]);
      const s = input.summary;
      const inserted = await one<{ id: number }>(
        db,
        `INSERT INTO versions (model_id, version, description, tags, summary, input_dim, latent_dim, dtype,
           param_map_hash, parent_id, operation, operation_args, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
        [
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
        ],
      );
      if (!inserted) throw new Error('version insert failed');
      for (const f of input.files) {
        await db.query('INSERT INTO version_files (version_id, name, sha256, size) VALUES ($1, $2, $3, $4)', [
          inserted.id,
          f.name,
          f.sha256,
          f.size,
        ]);
      }
      await this.audit(db, {
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
      const row = await one<VersionRow>(db, `${VERSION_SELECT} WHERE v.id = $1`, [inserted.id]);
      if (!row) throw new Error('version insert failed');
      return this.toVersion(db, row);
    });
  }

  async listVersions(model: string): Promise<VersionRecord[]> {
    const rows = await all<VersionRow>(
      this.pool,
      `${VERSION_SELECT} WHERE m.name = $1 ORDER BY v.version ASC`,
      [model],
    );
    const out: VersionRecord[] = [];
    for (const r of rows) out.push(await this.toVersion(this.pool, r));
    return out;
  }

  private versionRow(db: Db, model: string, ref: number | string): Promise<VersionRow | undefined> {
    if (typeof ref === 'number') {
      return one<VersionRow>(db, `${VERSION_SELECT} WHERE m.name = $1 AND v.version = $2`, [model, ref]);
    }
    if (ref === 'latest') {
      return one<VersionRow>(db, `${VERSION_SELECT} WHERE m.name = $1 ORDER BY v.version DESC LIMIT 1`, [
        model,
      ]);
    }
    return one<VersionRow>(
      db,
      `${VERSION_SELECT} JOIN aliases a ON a.version_id = v.id WHERE m.name = $1 AND a.alias = $2`,
      [model, ref],
    );
  }

  async getVersion(model: string, ref: number | string): Promise<VersionRecord | null> {
    const row = await this.versionRow(this.pool, model, ref);
    return row ? this.toVersion(this.pool, row) : null;
  }

  async getVersionById(id: number): Promise<VersionRecord | null> {
    const row = await one<VersionRow>(this.pool, `${VERSION_SELECT} WHERE v.id = $1`, [id]);
    return row ? this.toVersion(this.pool, row) : null;
  }

  async updateVersion(
    model: string,
    version: number,
    patch: { description?: string; tags?: readonly string[] },
    actor: string,
  ): Promise<VersionRecord | null> {
    return this.tx(async (db) => {
      const row = await this.versionRow(db, model, version);
      if (!row) return null;
      await db.query('SELECT 1 FROM versions WHERE id = $1 FOR UPDATE', [row.id]);
      if (patch.description !== undefined) {
        await db.query('UPDATE versions SET description = $1 WHERE id = $2', [patch.description, row.id]);
      }
      if (patch.tags !== undefined) {
        await db.query('UPDATE versions SET tags = $1 WHERE id = $2', [JSON.stringify(patch.tags), row.id]);
      }
      await this.audit(db, { actor, action: 'version.update', model, version, details: { ...patch } });
      const updated = await this.versionRow(db, model, version);
      return updated ? this.toVersion(db, updated) : null;
    });
  }

  private childRows(db: Db, versionId: number): Promise<NodeRow[]> {
    return all<NodeRow>(
      db,
      'SELECT v.id, m.name, v.version FROM versions v JOIN models m ON m.id = v.model_id WHERE v.parent_id = $1 ORDER BY m.name COLLATE "C", v.version',
      [versionId],
    );
  }

  async listChildren(versionId: number): Promise<VersionRef[]> {
    return (await this.childRows(this.pool, versionId)).map(({ name, version }) => ({ name, version }));
  }

  async deleteVersion(
    model: string,
    version: number,
    cascade: boolean,
    actor: string,
  ): Promise<DeleteResult> {
    return this.tx(async (db): Promise<DeleteResult> => {
      const root = await this.versionRow(db, model, version);
      if (!root)
        throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `model ${model} has no version ${version}`);
      // Lock the root first: a concurrent prune deriving from it then waits (and fails its FK check).
      await db.query('SELECT 1 FROM versions WHERE id = $1 FOR UPDATE', [root.id]);
      const children = await this.childRows(db, root.id);
      if (children.length > 0 && !cascade) {
        throw new ApiError(
          'GRADIEND_ERR_VERSION_HAS_DERIVED',
          `${model}@${version} has derived versions (${children.map((c) => `${c.name}@${c.version}`).join(', ')}); pass ?cascade=true to delete them too`,
          { derived: children.map(({ name, version: v }) => ({ name, version: v })) },
        );
      }
      // Post-order walk so children are deleted before their parent (parent_id has no cascade).
      const order: NodeRow[] = [];
      const visit = async (node: NodeRow): Promise<void> => {
        for (const child of await this.childRows(db, node.id)) await visit(child);
        order.push(node);
      };
      await visit({ id: root.id, name: model, version });
      const shas = new Set<string>();
      for (const node of order) {
        for (const f of await all<{ sha256: string }>(
          db,
          'SELECT sha256 FROM version_files WHERE version_id = $1',
          [node.id],
        )) {
          shas.add(f.sha256);
        }
        await db.query('DELETE FROM versions WHERE id = $1', [node.id]);
        await this.audit(db, {
          actor,
          action: 'version.delete',
          model: node.name,
          version: node.version,
          details: node.id === root.id ? { cascade } : { cascade_from: `${model}@${version}` },
        });
      }
      const unreferencedBlobs: string[] = [];
      for (const sha of shas) {
        if (!(await one(db, 'SELECT 1 FROM version_files WHERE sha256 = $1 LIMIT 1', [sha]))) {
          unreferencedBlobs.push(sha);
        }
      }
      return { deleted: order.map(({ name, version: v }) => ({ name, version: v })), unreferencedBlobs };
    });
  }

  async setAlias(model: string, alias: string, version: number, actor: string): Promise<void> {
    await this.tx(async (db) => {
      const row = await this.versionRow(db, model, version);
      if (!row)
        throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `model ${model} has no version ${version}`);
      const previous = await this.versionRow(db, model, alias);
      await db.query(
        `INSERT INTO aliases (model_id, alias, version_id, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [row.model_id, alias, row.id, now(), actor],
      );
      await this.audit(db, {
        actor,
        action: 'alias.set',
        model,
        version,
        details: { alias, previous: previous?.version ?? null },
      });
    });
  }

  async deleteAlias(model: string, alias: string, actor: string): Promise<boolean> {
    return this.tx(async (db) => {
      const row = await this.versionRow(db, model, alias);
      if (!row) return false;
      const deleted = await db.query('DELETE FROM aliases WHERE model_id = $1 AND alias = $2', [
        row.model_id,
        alias,
      ]);
      if (deleted.rowCount === 0) return false;
      await this.audit(db, {
        actor,
        action: 'alias.delete',
        model,
        version: row.version,
        details: { alias },
      });
      return true;
    });
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    return (
      (await one(this.pool, 'SELECT 1 FROM version_files WHERE sha256 = $1 LIMIT 1', [sha256])) !== undefined
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
    const taken = () =>
      new ApiError('GRADIEND_ERR_TOKEN_NAME_TAKEN', `a token named ${input.name} already exists`);
    try {
      return await this.tx(async (db) => {
        if (await one(db, 'SELECT 1 FROM tokens WHERE name = $1', [input.name])) throw taken();
        const row = await one<TokenRow>(
          db,
          'INSERT INTO tokens (name, role, token_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *',
          [input.name, input.role, input.tokenHash, now(), input.actor],
        );
        if (!row) throw new Error('token insert failed');
        await this.audit(db, {
          actor: input.actor,
          action: 'token.create',
          details: { name: input.name, role: input.role },
        });
        return this.toToken(row);
      });
    } catch (error) {
      // Lost a race with another instance creating the same name.
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    const row = await one<TokenRow>(
      this.pool,
      'SELECT * FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    return row ? this.toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await all<TokenRow>(this.pool, 'SELECT * FROM tokens ORDER BY name COLLATE "C"')).map((r) =>
      this.toToken(r),
    );
  }

  async revokeToken(name: string, actor: string): Promise<boolean> {
    return this.tx(async (db) => {
      const result = await db.query(
        'UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL',
        [now(), name],
      );
      if (result.rowCount === 0) return false;
      await this.audit(db, { actor, action: 'token.revoke', details: { name } });
      return true;
    });
  }

  async touchToken(id: number): Promise<void> {
    await this.pool.query('UPDATE tokens SET last_used_at = $1 WHERE id = $2', [now(), id]);
  }

  async appendAudit(entry: NewAuditEntry): Promise<void> {
    await this.audit(this.pool, entry);
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
      args.push(query.model);
      where.push(`model = $${args.length}`);
    }
    if (query.action !== undefined) {
      args.push(query.action);
      where.push(`action = $${args.length}`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await all<AuditRow>(
      this.pool,
      `SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
      [...args, query.limit, query.offset],
    );
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  }
}
