import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres.js';
import { newVersion } from '../metadata-store-contract.js';
import { PostgresMetadataStore } from './postgres-metadata-store.js';
import { migrationsFor } from '../migrations.js';

describe('PostgresMetadataStore across instances', () => {
  let db: TestDatabase;
  let stores: PostgresMetadataStore[];
  beforeEach(async () => {
    db = await createTestDatabase();
    stores = [
      new PostgresMetadataStore(db.url),
      new PostgresMetadataStore(db.url),
      new PostgresMetadataStore(db.url),
    ];
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  });

  it('migrates once when several instances start together', async () => {
    await Promise.all(stores.map((s) => s.migrate()));
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      const rows = (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows;
      expect(rows.map((r) => r.version)).toEqual(migrationsFor('postgres').map((m) => m.version));
    } finally {
      await client.end();
    }
  });

  it('numbers concurrent commits from different instances gap-free, including a brand-new model', async () => {
    await Promise.all(stores.map((s) => s.migrate()));
    const made = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % stores.length]!.createVersion(newVersion('shared', `${i % 10}`)),
      ),
    );
    expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    expect((await stores[0]!.getModel('shared'))?.versionCount).toBe(30);
    expect((await stores[1]!.listModels({ sort: 'name', limit: 10, offset: 0 })).total).toBe(1);
  });

  it('a failed commit leaves no row and no gap', async () => {
    const [a] = stores;
    await a!.migrate();
    await a!.createVersion(newVersion('g', 'a'));
    // parent 999999 does not exist: the FK check fails inside the transaction.
    await expect(a!.createVersion(newVersion('g', 'b', 999_999))).rejects.toThrow();
    expect((await a!.createVersion(newVersion('g', 'c'))).version).toBe(2);
    expect((await a!.listAudit({ model: 'g', limit: 10, offset: 0 })).length).toBe(2);
  });
});
