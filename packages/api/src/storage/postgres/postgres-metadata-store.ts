import pg from 'pg';
import type {
  AnalysisRecord,
  AuditEntry,
  DeleteResult,
  FileRecord,
  MetadataStore,
  ModelQuery,
  ModelRecord,
  NewAuditEntry,
  NewBaseModel,
  NewLabeledSet,
  LabeledSetRecord,
  BaseModelRecord,
  NewVersion,
  Role,
  TokenRecord,
  VersionRecord,
  VersionRef,
} from '../metadata-store.js';
import { migrationsFor } from '../migrations.js';
import {
  LABELED_SET_SELECT,
  labeledSetCreatedAudit,
  labeledSetExists,
  labeledSetInsert,
  labeledSetInsertValues,
  labeledSetRootGone,
  SETS_OF_ROOT,
  setsGoneWithRoot,
  toLabeledSetRecord,
  type LabeledSetRow,
  type SetOfRootRow,
} from '../labeled-set-rows.js';
import { SqlJobStore, type JobSqlSyntax } from '../sql-job-store.js';
import type { JobStore } from '../../jobs/job-types.js';
import { analysisRecord, analysisValues, type AnalysisRow } from '../analysis-rows.js';
import {
  baseModelFill,
  baseModelFillValues,
  baseModelInsert,
  baseModelReferencesBlob,
  baseModelReferenceParams,
  baseModelValues,
  toBaseModelRecord,
} from '../base-model-rows.js';
import type { BaseModelRow } from '../base-model-rows.js';
import {
  VERSION_SELECT,
  aliasUpsert,
  auditInsert,
  childVersionsSelect,
  listAuditStatement,
  listModelsStatements,
  modelSelect,
  modelTagsAndAliasesSelects,
  tokenInsert,
  versionByRefStatement,
  versionInsert,
  versionPartsSelects,
  type SqlSyntax,
} from '../sql-fragments.js';
import {
  auditInsertValues,
  now,
  toAuditEntry,
  toModelRecords,
  toTokenRecord,
  toVersionRecord,
  tokenNameTaken,
  versionCreatedAudit,
  versionDeletedAudit,
  versionHasDerived,
  parentGone,
  modelHasVersions,
  versionInsertValues,
  versionNotFound,
  type AuditRow,
  type ModelRow,
  type ModelSummaryRow,
  type TokenRow,
  type VersionNodeRow,
  type VersionRow,
} from '../sql-rows.js';
import { deletionOrderAsync } from '../deletion-order.js';

/** Anything that runs a query: the pool, or one client inside a transaction. */
type Db = Pick<pg.PoolClient, 'query'>;

/**
 * ILIKE: SQLite's LIKE ignores ASCII case, and searches should behave the same on both stores.
 * COLLATE "C" sorts bytewise, like SQLite's default BINARY collation.
 */
const POSTGRES: SqlSyntax = {
  param: (n) => `$${n}`,
  jsonField: (column, field) => `(${column}::json ->> '${field}')`,
  bytewise: (column) => `${column} COLLATE "C"`,
  like: 'ILIKE',
};

/** SKIP LOCKED: instances claiming at once each take a different queued job instead of waiting. */
const POSTGRES_JOBS: JobSqlSyntax = {
  ...POSTGRES,
  inJsonArray: (column, n) => `${column} IN (SELECT json_array_elements_text($${n}::json))`,
  skipLocked: ' FOR UPDATE SKIP LOCKED',
};

const MODEL_SELECT = modelSelect(POSTGRES);
const MODELS_IN = modelTagsAndAliasesSelects(POSTGRES, '= ANY($1::int[])');
// BIGINT comes back from pg as a string; file sizes are well inside float8's exact range.
const VERSION_PARTS = versionPartsSelects(POSTGRES, 'size::float8');
const CHILD_VERSIONS = childVersionsSelect(POSTGRES);
const VERSION_INSERT = `${versionInsert(POSTGRES)} RETURNING id`;
const AUDIT_INSERT = auditInsert(POSTGRES);
const ALIAS_UPSERT = aliasUpsert(POSTGRES);
const TOKEN_INSERT = `${tokenInsert(POSTGRES)} RETURNING *`;
const BASE_MODEL_INSERT = baseModelInsert((i) => `$${i}`);
const BASE_MODEL_FILL = baseModelFill((i) => `$${i}`);
const BASE_MODEL_REFERENCES = baseModelReferencesBlob((i) => `$${i}`);

/** Key of the session advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 0x67726164; // "grad"

const UNIQUE_VIOLATION = '23505';

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
  readonly jobs: JobStore;

  constructor(connectionString: string, options: { max?: number; onError?: (error: Error) => void } = {}) {
    this.pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', options.onError ?? (() => undefined));
    this.jobs = new SqlJobStore({
      syntax: POSTGRES_JOBS,
      query: async <T>(sql: string, args: readonly unknown[]): Promise<T[]> =>
        (await this.pool.query(sql, [...args])).rows as T[],
    });
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
    return toModelRecords(
      rows,
      await all<{ model_id: number; tag: string }>(db, MODELS_IN.tags, [ids]),
      await all<{ model_id: number; alias: string; version: number }>(db, MODELS_IN.aliases, [ids]),
    );
  }

  private async modelSummary(db: Db, name: string): Promise<ModelRecord | null> {
    const row = await one<ModelSummaryRow>(db, `${MODEL_SELECT} WHERE m.name = $1`, [name]);
    return row ? ((await this.toModels(db, [row]))[0] ?? null) : null;
  }

  private async toVersion(db: Db, row: VersionRow): Promise<VersionRecord> {
    const files = await all<FileRecord>(db, VERSION_PARTS.files, [row.id]);
    const aliases = (await all<{ alias: string }>(db, VERSION_PARTS.aliases, [row.id])).map((r) => r.alias);
    return toVersionRecord(row, files, aliases);
  }

  private async audit(db: Db, entry: NewAuditEntry): Promise<void> {
    await db.query(AUDIT_INSERT, auditInsertValues(entry, now()));
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
    const { count, page } = listModelsStatements(POSTGRES, query);
    const total = (await one<{ n: number }>(this.pool, count.sql, [...count.args]))?.n ?? 0;
    const rows = await all<ModelSummaryRow>(this.pool, page.sql, [...page.args]);
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
      // Checked (and share-locked against a concurrent delete) in the commit's transaction: the
      // source of a prune may be deleted while it runs.
      if (
        input.parentId !== null &&
        !(await one(db, 'SELECT 1 FROM versions WHERE id = $1 FOR SHARE', [input.parentId]))
      ) {
        throw parentGone();
      }
      const version = model.last_version + 1;
      await db.query('UPDATE models SET last_version = $1, updated_at = $2 WHERE id = $3', [
        version,
        at,
        model.id,
      ]);
      const inserted = await one<{ id: number }>(
        db,
        VERSION_INSERT,
        versionInsertValues(model.id, version, input, at),
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
      await this.audit(db, versionCreatedAudit(input, version));
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
    const { sql, args } = versionByRefStatement(POSTGRES, model, ref);
    return one<VersionRow>(db, sql, [...args]);
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

  private childRows(db: Db, versionId: number): Promise<VersionNodeRow[]> {
    return all<VersionNodeRow>(db, CHILD_VERSIONS, [versionId]);
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
      if (!root) throw versionNotFound(model, version);
      // Lock the root first: a concurrent prune deriving from it then waits (and fails its FK check).
      await db.query('SELECT 1 FROM versions WHERE id = $1 FOR UPDATE', [root.id]);
      const children = await this.childRows(db, root.id);
      if (children.length > 0 && !cascade) throw versionHasDerived(model, version, children);
      // Children before their parent (parent_id has no cascade).
      const order = await deletionOrderAsync({ id: root.id, name: model, version }, (id) =>
        this.childRows(db, id),
      );
      const shas = new Set<string>();
      for (const node of order) {
        for (const f of await all<{ sha256: string }>(
          db,
          'SELECT sha256 FROM version_files WHERE version_id = $1',
          [node.id],
        )) {
          shas.add(f.sha256);
        }
        const sets = await all<SetOfRootRow>(
          db,
          SETS_OF_ROOT((n) => `$${n}`),
          [node.id],
        );
        for (const r of sets) if (r.sha256) shas.add(r.sha256);
        for (const entry of setsGoneWithRoot(sets, node, actor)) await this.audit(db, entry);
        await db.query('DELETE FROM versions WHERE id = $1', [node.id]);
        await this.audit(db, versionDeletedAudit(node, { id: root.id, model, version }, cascade, actor));
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
      if (!row) throw versionNotFound(model, version);
      const previous = await this.versionRow(db, model, alias);
      await db.query(ALIAS_UPSERT, [row.model_id, alias, row.id, now(), actor]);
      await this.audit(db, {
        actor,
        action: 'alias.set',
        model,
        version,
        details: { alias, previous: previous?.version ?? null },
      });
    });
  }

  async deleteEmptyModel(model: string, actor: string): Promise<boolean> {
    return this.tx(async (db) => {
      const row = await one<{ id: number }>(db, 'SELECT id FROM models WHERE name = $1 FOR UPDATE', [model]);
      if (!row) return false;
      const left = await one(db, 'SELECT 1 FROM versions WHERE model_id = $1 LIMIT 1', [row.id]);
      if (left) throw modelHasVersions(model);
      await db.query('DELETE FROM models WHERE id = $1', [row.id]);
      await this.audit(db, { actor, action: 'model.delete', model, version: null, details: {} });
      return true;
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
    const analysis =
      'SELECT 1 FROM analysis_cache WHERE importance_sha256 = $1 OR summary_sha256 = $1 LIMIT 1';
    return (
      (await one(this.pool, 'SELECT 1 FROM version_files WHERE sha256 = $1 LIMIT 1', [sha256])) !==
        undefined ||
      (await one(this.pool, BASE_MODEL_REFERENCES, baseModelReferenceParams(sha256))) !== undefined ||
      (await one(this.pool, analysis, [sha256])) !== undefined ||
      (await one(this.pool, 'SELECT 1 FROM labeled_set_files WHERE sha256 = $1 LIMIT 1', [sha256])) !==
        undefined ||
      (await this.jobs.isResultBlob(sha256))
    );
  }

  private async labeledSet(db: Db, row: LabeledSetRow): Promise<LabeledSetRecord> {
    const files = await all<FileRecord>(
      db,
      'SELECT name, sha256, size FROM labeled_set_files WHERE set_id = $1 ORDER BY name',
      [row.id],
    );
    return toLabeledSetRecord(row, files);
  }

  private labeledSetRow(db: Db, model: string, name: string): Promise<LabeledSetRow | undefined> {
    return one<LabeledSetRow>(db, `${LABELED_SET_SELECT} WHERE m.name = $1 AND s.name = $2`, [model, name]);
  }

  async createLabeledSet(input: NewLabeledSet): Promise<LabeledSetRecord> {
    return this.tx(async (db) => {
      const model = await this.modelRow(db, input.model, true);
      const root = await one<{ version: number; model_id: number }>(
        db,
        'SELECT version, model_id FROM versions WHERE id = $1 FOR UPDATE',
        [input.rootVersionId],
      );
      if (!model || !root || root.model_id !== model.id) throw labeledSetRootGone(input.model, input.name);
      if (await this.labeledSetRow(db, input.model, input.name))
        throw labeledSetExists(input.model, input.name);
      const inserted = await one<{ id: number }>(
        db,
        `${labeledSetInsert((n) => `$${n}`)} RETURNING id`,
        labeledSetInsertValues(model.id, input, now()),
      );
      if (!inserted) throw new Error('labeled set insert failed');
      for (const f of input.files) {
        await db.query('INSERT INTO labeled_set_files (set_id, name, sha256, size) VALUES ($1, $2, $3, $4)', [
          inserted.id,
          f.name,
          f.sha256,
          f.size,
        ]);
      }
      await this.audit(db, labeledSetCreatedAudit(input, input.model, root.version));
      const row = await this.labeledSetRow(db, input.model, input.name);
      if (!row) throw new Error('labeled set insert failed');
      return this.labeledSet(db, row);
    });
  }

  async listLabeledSets(model: string): Promise<LabeledSetRecord[]> {
    const rows = await all<LabeledSetRow>(
      this.pool,
      `${LABELED_SET_SELECT} WHERE m.name = $1 ORDER BY s.name COLLATE "C"`,
      [model],
    );
    return Promise.all(rows.map((r) => this.labeledSet(this.pool, r)));
  }

  async getLabeledSet(model: string, name: string): Promise<LabeledSetRecord | null> {
    const row = await this.labeledSetRow(this.pool, model, name);
    return row ? this.labeledSet(this.pool, row) : null;
  }

  async deleteLabeledSet(
    model: string,
    name: string,
    actor: string,
  ): Promise<{ readonly unreferencedBlobs: readonly string[] } | null> {
    return this.tx(async (db) => {
      const row = await this.labeledSetRow(db, model, name);
      if (!row) return null;
      const shas = (
        await all<{ sha256: string }>(db, 'SELECT sha256 FROM labeled_set_files WHERE set_id = $1', [row.id])
      ).map((r) => r.sha256);
      const deleted = await db.query('DELETE FROM labeled_sets WHERE id = $1', [row.id]);
      if (deleted.rowCount === 0) return null;
      await this.audit(db, {
        actor,
        action: 'labeled-set.delete',
        model,
        version: row.root_version,
        details: { set: name, content_sha256: row.content_sha256 },
      });
      const unreferenced: string[] = [];
      for (const sha of new Set(shas)) {
        if (!(await one(db, 'SELECT 1 FROM labeled_set_files WHERE sha256 = $1 LIMIT 1', [sha])))
          unreferenced.push(sha);
      }
      return { unreferencedBlobs: unreferenced };
    });
  }

  async getAnalysis(contentKey: string, part: string, format: string): Promise<AnalysisRecord | null> {
    const row = await one<AnalysisRow>(
      this.pool,
      'SELECT * FROM analysis_cache WHERE content_key = $1 AND part = $2 AND format = $3',
      [contentKey, part, format],
    );
    return row ? analysisRecord(row) : null;
  }

  async putAnalysis(record: AnalysisRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO analysis_cache (content_key, part, format, importance_sha256, importance_size,
         summary_sha256, summary_size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING`,
      [...analysisValues(record), new Date().toISOString()],
    );
  }

  async putBaseModel(input: NewBaseModel): Promise<BaseModelRecord> {
    return this.tx(async (db) => {
      // ON CONFLICT: a concurrent upload of the same weights is the same record.
      const inserted = await db.query(
        `${BASE_MODEL_INSERT} ON CONFLICT (sha256) DO NOTHING`,
        baseModelValues(input, now()),
      );
      if (inserted.rowCount === 0) await db.query(BASE_MODEL_FILL, baseModelFillValues(input));
      else
        await this.audit(db, {
          actor: input.actor,
          action: 'base-model.create',
          details: { sha256: input.sha256, name: input.name },
        });
      const row = await one<BaseModelRow>(db, 'SELECT * FROM base_models WHERE sha256 = $1', [input.sha256]);
      if (!row) throw new Error('base model insert failed');
      return toBaseModelRecord(row);
    });
  }

  async getBaseModel(sha256: string): Promise<BaseModelRecord | null> {
    const row = await one<BaseModelRow>(this.pool, 'SELECT * FROM base_models WHERE sha256 = $1', [sha256]);
    return row ? toBaseModelRecord(row) : null;
  }

  async listBaseModels(name?: string): Promise<BaseModelRecord[]> {
    const rows =
      name === undefined
        ? await all<BaseModelRow>(
            this.pool,
            'SELECT * FROM base_models ORDER BY created_at DESC, sha256 COLLATE "C"',
          )
        : await all<BaseModelRow>(
            this.pool,
            'SELECT * FROM base_models WHERE name = $1 ORDER BY created_at DESC, sha256 COLLATE "C"',
            [name],
          );
    return rows.map(toBaseModelRecord);
  }

  async createToken(input: {
    name: string;
    role: Role;
    tokenHash: string;
    actor: string;
  }): Promise<TokenRecord> {
    try {
      return await this.tx(async (db) => {
        if (await one(db, 'SELECT 1 FROM tokens WHERE name = $1', [input.name]))
          throw tokenNameTaken(input.name);
        const row = await one<TokenRow>(db, TOKEN_INSERT, [
          input.name,
          input.role,
          input.tokenHash,
          now(),
          input.actor,
        ]);
        if (!row) throw new Error('token insert failed');
        await this.audit(db, {
          actor: input.actor,
          action: 'token.create',
          details: { name: input.name, role: input.role },
        });
        return toTokenRecord(row);
      });
    } catch (error) {
      // Lost a race with another instance creating the same name.
      if (isUniqueViolation(error)) throw tokenNameTaken(input.name);
      throw error;
    }
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    const row = await one<TokenRow>(
      this.pool,
      'SELECT * FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    return row ? toTokenRecord(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await all<TokenRow>(this.pool, 'SELECT * FROM tokens ORDER BY name COLLATE "C"')).map(
      toTokenRecord,
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
    const { sql, args } = listAuditStatement(POSTGRES, query);
    return (await all<AuditRow>(this.pool, sql, [...args])).map(toAuditEntry);
  }
}
