import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import type { CheckpointSummary, NewVersion } from '../metadata-store.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

const summary: CheckpointSummary = {
  architecture: {
    input_dim: 4,
    latent_dim: 1,
    activation_encoder: 'tanh',
    activation_decoder: 'id',
    bias_decoder: true,
    dtype: 'float32',
  },
  input_dim: 4,
  latent_dim: 1,
  dtype: 'float32',
  unpruned_length: 4,
  param_map_hash: 'abc',
  param_map: [{ name: 'w', shape: [2, 2], numel: 4, repr: 'all', num_selected: 4 }],
  base_model: null,
  gradient_context: null,
  training: null,
  metadata: {},
};

function version(model: string, sha: string, parentId: number | null = null): NewVersion {
  return {
    model,
    description: 'd',
    tags: ['t1'],
    summary,
    files: [{ name: 'config.json', sha256: sha.repeat(64).slice(0, 64), size: 10 }],
    parentId,
    operation: parentId === null ? 'upload' : 'prune',
    operationArgs: parentId === null ? null : { topk: 2 },
    actor: 'tester',
  };
}

describe('SqliteMetadataStore', () => {
  let store: SqliteMetadataStore;
  beforeEach(async () => {
    store = new SqliteMetadataStore(':memory:');
    await store.migrate();
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
  });

  it('numbers versions per model without gaps and never reuses a number', async () => {
    const v1 = await store.createVersion(version('m', 'a'));
    const v2 = await store.createVersion(version('m', 'b'));
    const other = await store.createVersion(version('n', 'c'));
    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    await store.deleteVersion('m', 2, false, 'tester');
    expect((await store.createVersion(version('m', 'd'))).version).toBe(3);
    expect((await store.getVersion('m', 'latest'))?.version).toBe(3);
  });

  it('refuses to delete a parent unless cascading, and reports unreferenced blobs', async () => {
    const parent = await store.createVersion(version('m', 'a'));
    const child = await store.createVersion(version('pruned', 'b', parent.id));
    expect(child.parent).toEqual({ name: 'm', version: 1 });
    await expect(store.deleteVersion('m', 1, false, 'x')).rejects.toSatisfy(
      (e) => e instanceof ApiError && e.code === 'GRADIEND_ERR_VERSION_HAS_DERIVED',
    );
    const result = await store.deleteVersion('m', 1, true, 'x');
    expect(result.deleted).toEqual([
      { name: 'pruned', version: 1 },
      { name: 'm', version: 1 },
    ]);
    expect(result.unreferencedBlobs).toHaveLength(2);
  });

  it('moves aliases, searches models and audits every change', async () => {
    await store.createVersion(version('alpha', 'a'));
    await store.createVersion(version('alpha', 'b'));
    await store.setAlias('alpha', 'champion', 1, 'ann');
    expect((await store.getVersion('alpha', 'champion'))?.version).toBe(1);
    await store.setAlias('alpha', 'champion', 2, 'ann');
    expect((await store.getModel('alpha'))?.aliases).toEqual({ champion: 2 });
    expect(await store.deleteAlias('alpha', 'champion', 'ann')).toBe(true);
    await store.createVersion(version('beta', 'c'));
    await store.updateModel('beta', { tags: ['nlp'], description: 'gender' }, 'ann');
    expect(
      (await store.listModels({ q: 'gend', sort: 'name', limit: 10, offset: 0 })).items.map((m) => m.name),
    ).toEqual(['beta']);
    expect((await store.listModels({ tag: 'nlp', sort: 'name', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.listModels({ sort: 'name', limit: 1, offset: 1 })).items.map((m) => m.name)).toEqual([
      'beta',
    ]);
    const actions = (await store.listAudit({ limit: 100, offset: 0 })).map((e) => e.action);
    expect(actions).toEqual([
      'model.update',
      'version.upload',
      'alias.delete',
      'alias.set',
      'alias.set',
      'version.upload',
      'version.upload',
    ]);
  });

  it('stores tokens by hash and revokes them', async () => {
    await store.createToken({ name: 'ci', role: 'write', tokenHash: 'h1', actor: 'cli' });
    await expect(
      store.createToken({ name: 'ci', role: 'read', tokenHash: 'h2', actor: 'cli' }),
    ).rejects.toThrow(/already exists/);
    expect((await store.findTokenByHash('h1'))?.role).toBe('write');
    expect(await store.revokeToken('ci', 'cli')).toBe(true);
    expect(await store.findTokenByHash('h1')).toBeNull();
  });
});
