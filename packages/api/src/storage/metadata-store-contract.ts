import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { CheckpointSummary, MetadataStore, NewVersion } from './metadata-store.js';

export interface StoreUnderTest {
  readonly store: MetadataStore;
  cleanup(): Promise<void>;
}

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

export function newVersion(model: string, sha: string, parentId: number | null = null): NewVersion {
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

/**
 * The behaviour every MetadataStore shares; call inside a `describe`. `open` gives a fresh, empty
 * store each test (migrate is run here, twice, to prove it is idempotent).
 */
export function metadataStoreContract(open: () => Promise<StoreUnderTest>): void {
  let current: StoreUnderTest;
  let store: MetadataStore;
  beforeEach(async () => {
    current = await open();
    store = current.store;
    await store.migrate();
    await store.migrate();
  });
  afterEach(async () => {
    await current.cleanup();
  });

  it('numbers versions per model without gaps and never reuses a number', async () => {
    const v1 = await store.createVersion(newVersion('m', 'a'));
    const v2 = await store.createVersion(newVersion('m', 'b'));
    const other = await store.createVersion(newVersion('n', 'c'));
    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    await store.deleteVersion('m', 2, false, 'tester');
    expect((await store.createVersion(newVersion('m', 'd'))).version).toBe(3);
    expect((await store.getVersion('m', 'latest'))?.version).toBe(3);
  });

  it('gives concurrent commits to one model distinct, gap-free numbers', async () => {
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.createVersion(newVersion('c', `${i % 10}`))),
    );
    expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect((await store.getModel('c'))?.versionCount).toBe(12);
    expect((await store.listAudit({ model: 'c', limit: 100, offset: 0 })).length).toBe(12);
  });

  it('round-trips a version record and reads it by number, latest, alias and id', async () => {
    const v = await store.createVersion(newVersion('r', 'e'));
    expect(v).toMatchObject({
      model: 'r',
      version: 1,
      description: 'd',
      tags: ['t1'],
      summary,
      files: [{ name: 'config.json', sha256: 'e'.repeat(64), size: 10 }],
      parent: null,
      operation: 'upload',
      operationArgs: null,
      createdBy: 'tester',
      aliases: [],
    });
    await store.setAlias('r', 'gold', 1, 'ann');
    const byAlias = await store.getVersion('r', 'gold');
    expect(byAlias).toEqual({ ...v, aliases: ['gold'] });
    expect(await store.getVersionById(v.id)).toEqual(byAlias);
    expect(await store.getVersion('r', 2)).toBeNull();
    expect(await store.getVersion('nope', 'latest')).toBeNull();
    const updated = await store.updateVersion('r', 1, { description: 'new', tags: ['x'] }, 'ann');
    expect(updated).toMatchObject({ description: 'new', tags: ['x'] });
    expect((await store.listVersions('r')).map((x) => x.version)).toEqual([1]);
    expect(await store.isEmpty()).toBe(false);
    expect(await store.isBlobReferenced('e'.repeat(64))).toBe(true);
    expect(await store.isBlobReferenced('f'.repeat(64))).toBe(false);
  });

  it('records one analysis per content key, part and format; its blobs count as referenced', async () => {
    const record = {
      contentKey: 'k'.repeat(64),
      part: 'decoder-weight',
      format: 'f1',
      importance: { sha256: '1'.repeat(64), size: 400 },
      summary: { sha256: '2'.repeat(64), size: 12 },
    };
    expect(await store.getAnalysis(record.contentKey, record.part, 'f1')).toBeNull();
    expect(await store.isBlobReferenced('1'.repeat(64))).toBe(false);
    await store.putAnalysis(record);
    // A second computation of the same key (another instance) does not replace the first.
    await store.putAnalysis({ ...record, importance: { sha256: '3'.repeat(64), size: 400 } });
    expect(await store.getAnalysis(record.contentKey, record.part, 'f1')).toEqual(record);
    expect(await store.getAnalysis(record.contentKey, 'encoder-weight', 'f1')).toBeNull();
    expect(await store.getAnalysis(record.contentKey, record.part, 'f2')).toBeNull();
    expect(await store.isBlobReferenced('1'.repeat(64))).toBe(true);
    expect(await store.isBlobReferenced('2'.repeat(64))).toBe(true);
    expect(await store.isBlobReferenced('3'.repeat(64))).toBe(false);
  });

  it('refuses to delete a parent unless cascading, and reports unreferenced blobs', async () => {
    const parent = await store.createVersion(newVersion('m', 'a'));
    const child = await store.createVersion(newVersion('pruned', 'b', parent.id));
    expect(child.parent).toEqual({ name: 'm', version: 1 });
    expect(await store.listChildren(parent.id)).toEqual([{ name: 'pruned', version: 1 }]);
    await expect(store.deleteVersion('m', 1, false, 'x')).rejects.toSatisfy(
      (e) => e instanceof ApiError && e.code === 'GRADIEND_ERR_VERSION_HAS_DERIVED',
    );
    const result = await store.deleteVersion('m', 1, true, 'x');
    expect(result.deleted).toEqual([
      { name: 'pruned', version: 1 },
      { name: 'm', version: 1 },
    ]);
    expect(result.unreferencedBlobs).toHaveLength(2);
    await expect(store.deleteVersion('m', 1, false, 'x')).rejects.toSatisfy(
      (e) => e instanceof ApiError && e.code === 'GRADIEND_ERR_VERSION_NOT_FOUND',
    );
  });

  it('refuses a version whose parent was deleted meanwhile (404, nothing stored) and never reuses ids', async () => {
    const parent = await store.createVersion(newVersion('m', 'a'));
    await store.deleteVersion('m', 1, false, 'x');
    // A prune committing after its source was deleted: SQLite used to hand the new row the
    // deleted row's id, so the foreign key passed and the version became its own parent.
    await expect(store.createVersion(newVersion('pruned', 'b', parent.id))).rejects.toSatisfy(
      (e) => e instanceof ApiError && e.code === 'GRADIEND_ERR_VERSION_NOT_FOUND',
    );
    expect(await store.getModel('pruned')).toBeNull();
    const next = await store.createVersion(newVersion('m', 'c'));
    expect(next.id).toBeGreaterThan(parent.id);
    expect(next.parent).toBeNull();
  });

  it('cascades down a deep, branching lineage, children before parents', async () => {
    const root = await store.createVersion(newVersion('chain', 'a'));
    let tip = root;
    for (let i = 0; i < 40; i++) {
      const side = await store.createVersion(newVersion('side', 'b', tip.id));
      expect(side.parent).toEqual({ name: 'chain', version: tip.version });
      tip = await store.createVersion(newVersion('chain', 'c', tip.id));
    }
    const result = await store.deleteVersion('chain', 1, true, 'x');
    expect(result.deleted).toHaveLength(81);
    const at = new Map(result.deleted.map((d, i) => [`${d.name}@${d.version}`, i]));
    expect(at.size).toBe(81);
    // chain@k+1 and side@k derive from chain@k: both go first.
    for (let k = 1; k <= 40; k++) {
      expect(at.get(`chain@${k + 1}`)).toBeLessThan(at.get(`chain@${k}`) ?? -1);
      expect(at.get(`side@${k}`)).toBeLessThan(at.get(`chain@${k}`) ?? -1);
    }
    expect(await store.listVersions('chain')).toEqual([]);
  });

  it('moves aliases, searches models and audits every change', async () => {
    await store.createVersion(newVersion('alpha', 'a'));
    await store.createVersion(newVersion('alpha', 'b'));
    await store.setAlias('alpha', 'champion', 1, 'ann');
    expect((await store.getVersion('alpha', 'champion'))?.version).toBe(1);
    await store.setAlias('alpha', 'champion', 2, 'ann');
    expect((await store.getModel('alpha'))?.aliases).toEqual({ champion: 2 });
    expect(await store.deleteAlias('alpha', 'champion', 'ann')).toBe(true);
    expect(await store.deleteAlias('alpha', 'champion', 'ann')).toBe(false);
    await store.createVersion(newVersion('beta', 'c'));
    await store.updateModel('beta', { tags: ['nlp'], description: 'Gender' }, 'ann');
    expect(
      (await store.listModels({ q: 'gend', sort: 'name', limit: 10, offset: 0 })).items.map((m) => m.name),
    ).toEqual(['beta']);
    expect((await store.listModels({ q: '%', sort: 'name', limit: 10, offset: 0 })).total).toBe(0);
    expect((await store.listModels({ tag: 'nlp', sort: 'name', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.listModels({ sort: 'name', limit: 1, offset: 1 })).items.map((m) => m.name)).toEqual([
      'beta',
    ]);
    expect(
      (await store.listModels({ sort: '-name', limit: 10, offset: 0 })).items.map((m) => m.name),
    ).toEqual(['beta', 'alpha']);
    const beta = await store.getModel('beta');
    expect(beta).toMatchObject({
      name: 'beta',
      description: 'Gender',
      tags: ['nlp'],
      versionCount: 1,
      latestVersion: 1,
    });
    expect(await store.updateModel('nope', { description: 'x' }, 'ann')).toBeNull();
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
    expect((await store.listAudit({ action: 'alias.set', limit: 1, offset: 1 }))[0]).toMatchObject({
      actor: 'ann',
      model: 'alpha',
      version: 1,
      details: { alias: 'champion', previous: null },
    });
  });

  it("lists each model with its latest version's summary, following uploads and deletes", async () => {
    const wide = (dim: number, base: string | null): NewVersion => {
      const v = newVersion('lat', 'e');
      return {
        ...v,
        summary: { ...v.summary, input_dim: dim, unpruned_length: 10, latent_dim: 2, base_model: base },
      };
    };
    await store.createVersion(wide(10, 'bert-base-cased'));
    await store.createVersion(wide(3, 'bert-base-cased'));
    await store.createVersion(newVersion('solo', 'f'));
    await store.setAlias('lat', 'champion', 1, 'ann');
    const listed = (await store.listModels({ sort: 'name', limit: 10, offset: 0 })).items;
    expect(listed.map((m) => [m.name, m.latest, m.versionCount, m.aliases, m.tags])).toEqual([
      [
        'lat',
        {
          version: 2,
          inputDim: 3,
          unprunedLength: 10,
          latentDim: 2,
          dtype: 'float32',
          baseModel: 'bert-base-cased',
        },
        2,
        { champion: 1 },
        ['t1'],
      ],
      [
        'solo',
        { version: 1, inputDim: 4, unprunedLength: 4, latentDim: 1, dtype: 'float32', baseModel: null },
        1,
        {},
        ['t1'],
      ],
    ]);
    await store.deleteVersion('lat', 2, false, 'ann');
    expect((await store.getModel('lat'))?.latest).toMatchObject({ version: 1, inputDim: 10 });
    await store.deleteVersion('lat', 1, false, 'ann');
    expect(await store.getModel('lat')).toMatchObject({ latest: null, latestVersion: null, versionCount: 0 });
  });

  it('stores tokens by hash and revokes them', async () => {
    const made = await store.createToken({ name: 'ci', role: 'write', tokenHash: 'h1', actor: 'cli' });
    expect(made).toMatchObject({
      name: 'ci',
      role: 'write',
      createdBy: 'cli',
      lastUsedAt: null,
      revokedAt: null,
    });
    await expect(
      store.createToken({ name: 'ci', role: 'read', tokenHash: 'h2', actor: 'cli' }),
    ).rejects.toThrow(/already exists/);
    expect((await store.findTokenByHash('h1'))?.role).toBe('write');
    await store.touchToken(made.id);
    expect((await store.listTokens())[0]?.lastUsedAt).not.toBeNull();
    expect(await store.revokeToken('ci', 'cli')).toBe(true);
    expect(await store.revokeToken('ci', 'cli')).toBe(false);
    expect(await store.findTokenByHash('h1')).toBeNull();
    await store.appendAudit({ actor: 'cli', action: 'custom' });
    expect((await store.listAudit({ limit: 1, offset: 0 }))[0]).toMatchObject({
      action: 'custom',
      model: null,
      version: null,
      details: {},
    });
  });

  it('stores base models by the hash of their weights, once, and counts their blobs as referenced', async () => {
    const sha = (c: string): string => c.repeat(64);
    const input = {
      sha256: sha('a'),
      name: 'digits-mlp',
      size: 100,
      onnx: null,
      testSet: null,
      lineage: null,
      actor: 'alice',
    };
    const first = await store.putBaseModel(input);
    expect(first).toMatchObject({
      sha256: sha('a'),
      name: 'digits-mlp',
      size: 100,
      onnx: null,
      createdBy: 'alice',
    });
    // A re-upload with an ONNX graph fills it in; nothing else changes.
    const again = await store.putBaseModel({
      ...input,
      name: 'renamed',
      onnx: { sha256: sha('b'), size: 7 },
      actor: 'bob',
    });
    expect(again).toEqual({ ...first, onnx: { sha256: sha('b'), size: 7 } });
    const lineage = {
      base: sha('a'),
      gradiend: { name: 'g', version: 2 },
      learning_rate: 0.01,
      input_scale: 2.5,
      feature_factor: [-1],
      part: 'decoder',
    };
    await store.putBaseModel({ ...input, sha256: sha('c'), name: 'digits-mlp+g@2', lineage });
    expect(await store.getBaseModel(sha('c'))).toMatchObject({ lineage });
    expect((await store.listBaseModels('digits-mlp')).map((b) => b.sha256)).toEqual([sha('a')]);
    expect((await store.listBaseModels()).length).toBe(2);
    expect(await store.getBaseModel(sha('d'))).toBeNull();
    expect(await store.isBlobReferenced(sha('a'))).toBe(true);
    expect(await store.isBlobReferenced(sha('b'))).toBe(true);
    expect(await store.isBlobReferenced(sha('e'))).toBe(false);
    expect(first.files).toBeNull();
  });

  it('stores a sharded base model with its files, each of them a referenced blob', async () => {
    const sha = (c: string): string => c.repeat(64);
    const files = [
      { name: 'model-00001-of-00002.safetensors', sha256: sha('1'), size: 10 },
      { name: 'model-00002-of-00002.safetensors', sha256: sha('2'), size: 20 },
      { name: 'model.safetensors.index.json', sha256: sha('3'), size: 5 },
    ];
    const input = {
      sha256: sha('9'),
      name: 'sharded',
      size: 35,
      onnx: null,
      testSet: null,
      lineage: null,
      files,
      actor: 'alice',
    };
    const record = await store.putBaseModel(input);
    expect(record.files).toEqual(files);
    expect((await store.getBaseModel(sha('9')))?.files).toEqual(files);
    expect((await store.listBaseModels('sharded'))[0]?.files).toEqual(files);
    for (const f of files) expect(await store.isBlobReferenced(f.sha256), f.name).toBe(true);
    expect(await store.isBlobReferenced(sha('4'))).toBe(false);
  });

  it('stores labeled sets per model, refuses a taken name, drops them with their root, and counts their blobs', async () => {
    const sha = (c: string) => c.repeat(64);
    const root = await store.createVersion(newVersion('ls', 'a'));
    const input = {
      model: 'ls',
      name: 'held-out',
      description: 'd',
      rootVersionId: root.id,
      format: 'per-sample' as const,
      inputDim: 4,
      dtype: 'F16',
      labelCounts: { '-1.0': 1, '1.0': 1 },
      contentSha256: sha('c'),
      samples: [
        { file: 'a.safetensors', label: 1, type: 'training', source_id: '3' },
        { file: 'b.safetensors', label: -1 },
      ],
      files: [
        { name: 'a.safetensors', sha256: sha('1'), size: 10 },
        { name: 'b.safetensors', sha256: sha('2'), size: 12 },
        { name: 'manifest.json', sha256: sha('3'), size: 5 },
      ],
      bytes: 27,
      actor: 'alice',
    };
    const made = await store.createLabeledSet(input);
    expect(made).toMatchObject({
      model: 'ls',
      name: 'held-out',
      rootVersion: 1,
      rootVersionId: root.id,
      nSamples: 2,
      inputDim: 4,
      dtype: 'F16',
      labelCounts: input.labelCounts,
      samples: input.samples,
      files: input.files,
      bytes: 27,
      createdBy: 'alice',
    });
    expect(await store.getLabeledSet('ls', 'held-out')).toEqual(made);
    await expect(store.createLabeledSet(input)).rejects.toMatchObject({
      code: 'GRADIEND_ERR_LABELED_SET_EXISTS',
    });
    const second = await store.createLabeledSet({ ...input, name: 'again', files: input.files.slice(0, 1) });
    expect((await store.listLabeledSets('ls')).map((x) => x.name)).toEqual(['again', 'held-out']);
    for (const f of input.files) expect(await store.isBlobReferenced(f.sha256), f.name).toBe(true);

    const deleted = await store.deleteLabeledSet('ls', 'held-out', 'bob');
    // a.safetensors is still the other set's.
    expect([...(deleted?.unreferencedBlobs ?? [])].sort()).toEqual([sha('2'), sha('3')]);
    expect(await store.deleteLabeledSet('ls', 'held-out', 'bob')).toBeNull();
    expect(await store.isBlobReferenced(sha('1'))).toBe(true);
    const actions = (await store.listAudit({ model: 'ls', limit: 100, offset: 0 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['labeled-set.create', 'labeled-set.delete']));

    // A set goes with its root version.
    const gone = await store.deleteVersion('ls', root.version, false, 'bob');
    expect(gone.unreferencedBlobs).toContain(sha('1'));
    expect(await store.getLabeledSet('ls', second.name)).toBeNull();
    const audit = await store.listAudit({ model: 'ls', action: 'labeled-set.delete', limit: 10, offset: 0 });
    expect(audit.map((e) => e.details.set)).toEqual(expect.arrayContaining(['held-out', 'again']));
    // A set for a root deleted meanwhile is refused, nothing stored.
    await expect(store.createLabeledSet(input)).rejects.toMatchObject({
      code: 'GRADIEND_ERR_VERSION_NOT_FOUND',
    });
    expect(await store.listLabeledSets('ls')).toEqual([]);
    expect(await store.isBlobReferenced(sha('1'))).toBe(false);
  });
}
