import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { newVersion } from '../metadata-store-contract.js';
import { migrationsFor } from '../migrations.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

describe('SQLite migration 5: version ids are never reused', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('keeps the rows, files and aliases of a registry made before migration 5, and stops id reuse', async () => {
    const tmp = await makeTempDir();
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'registry.sqlite');
    // A registry as the previous release left it, including a self-parented version.
    const old = new Database(file);
    old.exec(migrationsFor('sqlite')[0]?.sql ?? '');
    old.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'registry', 'then');
      INSERT INTO models (id, name, last_version, created_at, created_by, updated_at) VALUES (1, 'm', 2, 'a', 'b', 'c');`);
    const insert = old.prepare(
      `INSERT INTO versions (id, model_id, version, summary, input_dim, latent_dim, dtype, param_map_hash, parent_id, operation, created_at, created_by)
       VALUES (?, 1, ?, ?, 4, 1, 'float32', 'abc', ?, 'upload', 'a', 'b')`,
    );
    const summary = JSON.stringify(newVersion('m', 'a').summary);
    insert.run(1, 1, summary, null);
    insert.run(2, 2, summary, 2);
    old.exec(`INSERT INTO version_files VALUES (1, 'config.json', '${'a'.repeat(64)}', 10);
      INSERT INTO aliases VALUES (1, 'best', 1, 'a', 'b');`);
    old.close();

    const store = new SqliteMetadataStore(file);
    cleanups.push(() => store.close());
    await store.migrate();
    const v1 = await store.getVersion('m', 1);
    expect(v1?.files.map((f) => f.name)).toEqual(['config.json']);
    expect(v1?.aliases).toEqual(['best']);
    expect((await store.getVersion('m', 2))?.parent).toBeNull();

    await store.deleteVersion('m', 2, false, 'x');
    const next = await store.createVersion(newVersion('m', 'b'));
    expect(next.id).toBe(3);
  });
});
