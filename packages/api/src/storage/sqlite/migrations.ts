/** Append-only: never edit a shipped migration, add a new one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry',
    sql: `
      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        last_version INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE model_tags (
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (model_id, tag)
      );
      CREATE INDEX model_tags_tag ON model_tags(tag);
      CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        summary TEXT NOT NULL,
        input_dim INTEGER NOT NULL,
        latent_dim INTEGER NOT NULL,
        dtype TEXT NOT NULL,
        param_map_hash TEXT NOT NULL,
        parent_id INTEGER REFERENCES versions(id),
        operation TEXT NOT NULL,
        operation_args TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        UNIQUE (model_id, version)
      );
      CREATE INDEX versions_parent ON versions(parent_id);
      CREATE TABLE version_files (
        version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (version_id, name)
      );
      CREATE INDEX version_files_sha256 ON version_files(sha256);
      CREATE TABLE aliases (
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (model_id, alias)
      );
      CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        model TEXT,
        version INTEGER,
        details TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_model ON audit_log(model);
    `,
  },
];
