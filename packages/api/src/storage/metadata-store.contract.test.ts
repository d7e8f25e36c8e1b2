import { describe } from 'vitest';
import { createTestDatabase } from '../test-support/postgres.js';
import { metadataStoreContract } from './metadata-store-contract.js';
import { PostgresMetadataStore } from './postgres/postgres-metadata-store.js';
import { SqliteMetadataStore } from './sqlite/sqlite-metadata-store.js';

describe('MetadataStore contract: SQLite', () => {
  metadataStoreContract(async () => {
    const store = new SqliteMetadataStore(':memory:');
    return { store, cleanup: () => store.close() };
  });
});

describe('MetadataStore contract: PostgreSQL', () => {
  metadataStoreContract(async () => {
    const db = await createTestDatabase();
    const store = new PostgresMetadataStore(db.url);
    return {
      store,
      async cleanup() {
        await store.close();
        await db.drop();
      },
    };
  });
});
