import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
import { deletionOrder } from '../deletion-order.js';
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

/** LIKE already ignores ASCII case and BINARY (bytewise) is the default collation. */
const SQLITE: SqlSyntax = {
  param: () => '?',
  jsonField: (column, field) => `json_extract(${column}, '$.${field}')`,
  bytewise: (column) => column,
  like: 'LIKE',
};

/** Numbered `?n` placeholders (bound from an object), because the job statements reuse arguments. */
const SQLITE_JOBS: JobSqlSyntax = {
  ...SQLITE,
  param: (n) => `?${n}`,
  inJsonArray: (column, n) => `${column} IN (SELECT value FROM json_each(?${n}))`,
  skipLocked: '',
};

const MODEL_SELECT = modelSelect(SQLITE);
const MODELS_IN = modelTagsAndAliasesSelects(SQLITE, 'IN (SELECT value FROM json_each(?))');
const VERSION_PARTS = versionPartsSelects(SQLITE, 'size');
const CHILD_VERSIONS = childVersionsSelect(SQLITE);
const VERSION_INSERT = versionInsert(SQLITE);
const AUDIT_INSERT = auditInsert(SQLITE);
const ALIAS_UPSERT = aliasUpsert(SQLITE);
const TOKEN_INSERT = tokenInsert(SQLITE);
const LABELED_SET_INSERT = labeledSetInsert(() => '?');
const BASE_MODEL_INSERT = baseModelInsert(() => '?');
const BASE_MODEL_FILL = baseModelFill(() => '?');
const BASE_MODEL_REFERENCES = baseModelReferencesBlob(() => '?');

/**
 * SQLite metadata store. better-sqlite3 is synchronous: each method runs its statements inside one
 * `db.transaction` (BEGIN IMMEDIATE for writes), which also serialises concurrent uploads so
 * version numbers are allocated gap-free at commit time.
 */
export class SqliteMetadataStore implements MetadataStore {
  private readonly db: Database.Database;
  readonly jobs: JobStore;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    const statements = new Map<string, Database.Statement>();
    this.jobs = new SqlJobStore({
      syntax: SQLITE_JOBS,
      query: async <T>(sql: string, args: readonly unknown[]): Promise<T[]> => {
        let statement = statements.get(sql);
        if (!statement) {
          statement = this.db.prepare(sql);
          statements.set(sql, statement);
        }
        const bound = Object.fromEntries(args.map((value, i) => [i + 1, value]));
        if (statement.reader) return statement.all(bound) as T[];
        statement.run(bound);
        return [];
      },
    });
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
      // The pragma is a no-op inside a transaction, so it is switched around it.
      if (migration.rebuildsTables) this.db.pragma('foreign_keys = OFF');
      try {
        this.db
          .transaction(() => {
            this.db.exec(migration.sql);
            if (migration.rebuildsTables && (this.db.pragma('foreign_key_check') as unknown[]).length > 0) {
              throw new Error(`migration ${migration.version} would break foreign keys`);
            }
            this.db
              .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
              .run(migration.version, migration.name, now());
          })
          .immediate();
      } finally {
        if (migration.rebuildsTables) this.db.pragma('foreign_keys = ON');
      }
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
    return toModelRecords(
      rows,
      this.db.prepare<[string], { model_id: number; tag: string }>(MODELS_IN.tags).all(ids),
      this.db
        .prepare<[string], { model_id: number; alias: string; version: number }>(MODELS_IN.aliases)
        .all(ids),
    );
  }

  private modelSummary(name: string): ModelRecord | null {
    const row = this.db.prepare<[string], ModelSummaryRow>(`${MODEL_SELECT} WHERE m.name = ?`).get(name);
    return row ? (this.toModels([row])[0] ?? null) : null;
  }

  private toVersion(row: VersionRow): VersionRecord {
    const files = this.db.prepare<[number], FileRecord>(VERSION_PARTS.files).all(row.id);
    const aliases = this.db
      .prepare<[number], { alias: string }>(VERSION_PARTS.aliases)
      .all(row.id)
      .map((r) => r.alias);
    return toVersionRecord(row, files, aliases);
  }

  private audit(entry: NewAuditEntry): void {
    this.db.prepare(AUDIT_INSERT).run(...auditInsertValues(entry, now()));
  }

  private setTags(modelId: number, tags: readonly string[]): void {
    this.db.prepare('DELETE FROM model_tags WHERE model_id = ?').run(modelId);
    const insert = this.db.prepare('INSERT OR IGNORE INTO model_tags (model_id, tag) VALUES (?, ?)');
    for (const tag of tags) insert.run(modelId, tag);
  }

  async listModels(query: ModelQuery): Promise<{ items: ModelRecord[]; total: number }> {
    const { count, page } = listModelsStatements(SQLITE, query);
    const total = this.db.prepare<unknown[], { n: number }>(count.sql).get(...count.args)?.n ?? 0;
    const rows = this.db.prepare<unknown[], ModelSummaryRow>(page.sql).all(...page.args);
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
        // Checked in the commit's transaction: the source of a prune may be deleted while it runs.
        if (
          input.parentId !== null &&
          !this.db.prepare('SELECT 1 FROM versions WHERE id = ?').get(input.parentId)
        ) {
          throw parentGone();
        }
        const version = model.last_version + 1;
        this.db
          .prepare('UPDATE models SET last_version = ?, updated_at = ? WHERE id = ?')
          .run(version, at, model.id);
        const result = this.db
          .prepare(VERSION_INSERT)
          .run(...versionInsertValues(model.id, version, input, at));
        const versionId = Number(result.lastInsertRowid);
        const insertFile = this.db.prepare(
          'INSERT INTO version_files (version_id, name, sha256, size) VALUES (?, ?, ?, ?)',
        );
        for (const f of input.files) insertFile.run(versionId, f.name, f.sha256, f.size);
        this.audit(versionCreatedAudit(input, version));
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
    const { sql, args } = versionByRefStatement(SQLITE, model, ref);
    return this.db.prepare<unknown[], VersionRow>(sql).get(...args);
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

  private childRows(versionId: number): VersionNodeRow[] {
    return this.db.prepare<[number], VersionNodeRow>(CHILD_VERSIONS).all(versionId);
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
        if (!root) throw versionNotFound(model, version);
        const children = this.childRows(root.id);
        if (children.length > 0 && !cascade) throw versionHasDerived(model, version, children);
        // Children before their parent (parent_id has no cascade).
        const order = deletionOrder({ id: root.id, name: model, version }, (id) => this.childRows(id));
        const shas = new Set<string>();
        for (const node of order) {
          for (const f of this.db
            .prepare<[number], { sha256: string }>('SELECT sha256 FROM version_files WHERE version_id = ?')
            .all(node.id)) {
            shas.add(f.sha256);
          }
          const sets = this.db.prepare<[number], SetOfRootRow>(SETS_OF_ROOT(() => '?')).all(node.id);
          for (const r of sets) if (r.sha256) shas.add(r.sha256);
          for (const entry of setsGoneWithRoot(sets, node, actor)) this.audit(entry);
          this.db.prepare('DELETE FROM versions WHERE id = ?').run(node.id);
          this.audit(versionDeletedAudit(node, { id: root.id, model, version }, cascade, actor));
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
        if (!row) throw versionNotFound(model, version);
        const previous = this.versionRow(model, alias);
        this.db.prepare(ALIAS_UPSERT).run(row.model_id, alias, row.id, now(), actor);
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

  async deleteEmptyModel(model: string, actor: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.modelRow(model);
        if (!row) return false;
        const left = this.db
          .prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM versions WHERE model_id = ?')
          .get(row.id);
        if ((left?.n ?? 0) > 0) throw modelHasVersions(model);
        this.db.prepare('DELETE FROM models WHERE id = ?').run(row.id);
        this.audit({ actor, action: 'model.delete', model, version: null, details: {} });
        return true;
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
        .get(sha256) !== undefined ||
      this.db
        .prepare<[string, string, string, string], { x: number }>(BASE_MODEL_REFERENCES)
        .get(...baseModelReferenceParams(sha256)) !== undefined ||
      this.db
        .prepare<[string, string], { x: number }>(
          'SELECT 1 AS x FROM analysis_cache WHERE importance_sha256 = ? OR summary_sha256 = ? LIMIT 1',
        )
        .get(sha256, sha256) !== undefined ||
      this.db
        .prepare<[string], { x: number }>('SELECT 1 AS x FROM labeled_set_files WHERE sha256 = ? LIMIT 1')
        .get(sha256) !== undefined ||
      (await this.jobs.isResultBlob(sha256))
    );
  }

  private labeledSet(row: LabeledSetRow): LabeledSetRecord {
    const files = this.db
      .prepare<[number], FileRecord>(
        'SELECT name, sha256, size FROM labeled_set_files WHERE set_id = ? ORDER BY name',
      )
      .all(row.id);
    return toLabeledSetRecord(row, files);
  }

  private labeledSetRow(model: string, name: string): LabeledSetRow | undefined {
    return this.db
      .prepare<[string, string], LabeledSetRow>(`${LABELED_SET_SELECT} WHERE m.name = ? AND s.name = ?`)
      .get(model, name);
  }

  async createLabeledSet(input: NewLabeledSet): Promise<LabeledSetRecord> {
    return this.db
      .transaction(() => {
        const model = this.modelRow(input.model);
        const root = this.db
          .prepare<[number], { version: number; model_id: number }>(
            'SELECT version, model_id FROM versions WHERE id = ?',
          )
          .get(input.rootVersionId);
        if (!model || !root || root.model_id !== model.id) throw labeledSetRootGone(input.model, input.name);
        if (this.labeledSetRow(input.model, input.name)) throw labeledSetExists(input.model, input.name);
        const result = this.db
          .prepare(LABELED_SET_INSERT)
          .run(...labeledSetInsertValues(model.id, input, now()));
        const setId = Number(result.lastInsertRowid);
        const insertFile = this.db.prepare(
          'INSERT INTO labeled_set_files (set_id, name, sha256, size) VALUES (?, ?, ?, ?)',
        );
        for (const f of input.files) insertFile.run(setId, f.name, f.sha256, f.size);
        this.audit(labeledSetCreatedAudit(input, input.model, root.version));
        return this.labeledSet(this.labeledSetRow(input.model, input.name) as LabeledSetRow);
      })
      .immediate();
  }

  async listLabeledSets(model: string): Promise<LabeledSetRecord[]> {
    return this.db
      .prepare<[string], LabeledSetRow>(`${LABELED_SET_SELECT} WHERE m.name = ? ORDER BY s.name`)
      .all(model)
      .map((r) => this.labeledSet(r));
  }

  async getLabeledSet(model: string, name: string): Promise<LabeledSetRecord | null> {
    const row = this.labeledSetRow(model, name);
    return row ? this.labeledSet(row) : null;
  }

  async deleteLabeledSet(
    model: string,
    name: string,
    actor: string,
  ): Promise<{ readonly unreferencedBlobs: readonly string[] } | null> {
    return this.db
      .transaction(() => {
        const row = this.labeledSetRow(model, name);
        if (!row) return null;
        const shas = this.db
          .prepare<[number], { sha256: string }>('SELECT sha256 FROM labeled_set_files WHERE set_id = ?')
          .all(row.id)
          .map((r) => r.sha256);
        this.db.prepare('DELETE FROM labeled_sets WHERE id = ?').run(row.id);
        this.audit({
          actor,
          action: 'labeled-set.delete',
          model,
          version: row.root_version,
          details: { set: name, content_sha256: row.content_sha256 },
        });
        const referenced = this.db.prepare<[string], { n: number }>(
          'SELECT COUNT(*) AS n FROM labeled_set_files WHERE sha256 = ?',
        );
        return { unreferencedBlobs: [...new Set(shas)].filter((sha) => (referenced.get(sha)?.n ?? 0) === 0) };
      })
      .immediate();
  }

  async getAnalysis(contentKey: string, part: string, format: string): Promise<AnalysisRecord | null> {
    const row = this.db
      .prepare<[string, string, string], AnalysisRow>(
        'SELECT * FROM analysis_cache WHERE content_key = ? AND part = ? AND format = ?',
      )
      .get(contentKey, part, format);
    return row ? analysisRecord(row) : null;
  }

  async putAnalysis(record: AnalysisRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO analysis_cache (content_key, part, format, importance_sha256, importance_size,
           summary_sha256, summary_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...analysisValues(record), now());
  }

  async putBaseModel(input: NewBaseModel): Promise<BaseModelRecord> {
    return this.db
      .transaction(() => {
        const existing = this.baseModelRow(input.sha256);
        if (existing) this.db.prepare(BASE_MODEL_FILL).run(...baseModelFillValues(input));
        else {
          this.db.prepare(BASE_MODEL_INSERT).run(...baseModelValues(input, now()));
          this.audit({
            actor: input.actor,
            action: 'base-model.create',
            details: { sha256: input.sha256, name: input.name },
          });
        }
        return toBaseModelRecord(this.baseModelRow(input.sha256) as BaseModelRow);
      })
      .immediate();
  }

  async getBaseModel(sha256: string): Promise<BaseModelRecord | null> {
    const row = this.baseModelRow(sha256);
    return row ? toBaseModelRecord(row) : null;
  }

  async listBaseModels(name?: string): Promise<BaseModelRecord[]> {
    const rows =
      name === undefined
        ? this.db
            .prepare<[], BaseModelRow>('SELECT * FROM base_models ORDER BY created_at DESC, sha256')
            .all()
        : this.db
            .prepare<[string], BaseModelRow>(
              'SELECT * FROM base_models WHERE name = ? ORDER BY created_at DESC, sha256',
            )
            .all(name);
    return rows.map(toBaseModelRecord);
  }

  private baseModelRow(sha256: string): BaseModelRow | undefined {
    return this.db.prepare<[string], BaseModelRow>('SELECT * FROM base_models WHERE sha256 = ?').get(sha256);
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
        if (exists) throw tokenNameTaken(input.name);
        const result = this.db
          .prepare(TOKEN_INSERT)
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
        return toTokenRecord(row);
      })
      .immediate();
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    const row = this.db
      .prepare<[string], TokenRow>('SELECT * FROM tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .get(tokenHash);
    return row ? toTokenRecord(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY name').all().map(toTokenRecord);
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
    const { sql, args } = listAuditStatement(SQLITE, query);
    return this.db
      .prepare<unknown[], AuditRow>(sql)
      .all(...args)
      .map(toAuditEntry);
  }
}
