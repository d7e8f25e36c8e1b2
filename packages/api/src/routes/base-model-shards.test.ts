import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSafetensorsBuffer, serializeSafetensors } from '@gradiend/core/node';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardedBaseId } from '../base-models/base-model-service.js';
import { BaseModelSchema } from '../schemas/rewrite.js';
import { packFolder } from '../test-support/archives.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const RAW = { 'content-type': 'application/octet-stream' };
const CASE = 'two-layer-all';
const SHARD_1 = 'model-00001-of-00002.safetensors';
const SHARD_2 = 'model-00002-of-00002.safetensors';
const INDEX = 'model.safetensors.index.json';
const CONFIG = '{"model_type": "test", "architectures": ["Two"]}';

interface BaseModelJson {
  id: string;
  size: number;
  files: { name: string; sha256: string; size: number }[] | null;
  downloads: { weights?: string; files?: Record<string, string> };
  lineage: Record<string, unknown> | null;
}

/**
 * A base model given as Hugging Face shards (the reference's rewrite fixture split in two, with
 * index and config), uploaded, rewritten and patched through the API; the single-file base of the
 * same tensors, whose rewrite the conformance suite checks against the reference, is the yardstick.
 */
describe('sharded base models (Hugging Face shards with model.safetensors.index.json)', () => {
  let t: TestApp;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let folder: string;
  let single: BaseModelJson;
  let sharded: BaseModelJson;
  const baseFile = fixturePath(CASE, 'rewrite', 'model', 'base.safetensors');

  beforeAll(async () => {
    t = await createTestApp();
    tmp = await makeTempDir();
    folder = path.join(tmp.dir, 'sharded');
    await mkdir(folder);
    const base = readSafetensorsBuffer(new Uint8Array(await readFile(baseFile))).tensors();
    const shardOf = (name: string) => (name === 'unmapped.head.weight' ? SHARD_2 : SHARD_1);
    for (const shard of [SHARD_1, SHARD_2]) {
      const entries = new Map([...base].filter(([name]) => shardOf(name) === shard));
      await writeFile(path.join(folder, shard), serializeSafetensors(entries));
    }
    const weightMap = Object.fromEntries([...base.keys()].map((n) => [n, shardOf(n)]));
    await writeFile(path.join(folder, INDEX), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    await writeFile(path.join(folder, 'config.json'), CONFIG);

    const up = await t.app.inject({
      method: 'POST',
      url: `/api/models/${CASE}/versions`,
      ...multipart(folderParts(fixturePath(CASE, 'model'))),
    });
    expect(up.statusCode, up.body).toBe(201);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=plain',
      headers: RAW,
      payload: await readFile(baseFile),
    });
    expect(res.statusCode, res.body).toBe(201);
    single = res.json() as BaseModelJson;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await tmp?.cleanup();
  });

  it('accepts the folder as files, content-addressed by its file list; an archive of it is the same base', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=sharded',
      ...multipart(folderParts(folder, 'my-base/')),
    });
    expect(res.statusCode, res.body).toBe(201);
    sharded = res.json() as BaseModelJson;
    expect([...Value.Errors(BaseModelSchema, sharded)]).toEqual([]);
    expect(sharded.files?.map((f) => f.name)).toEqual(['config.json', SHARD_1, SHARD_2, INDEX]);
    expect(sharded.id).toBe(shardedBaseId(sharded.files ?? []));
    expect(sharded.size).toBe((sharded.files ?? []).reduce((n, f) => n + f.size, 0));
    expect(sharded.downloads.weights).toBeUndefined();

    const archive = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=sharded',
      ...multipart([
        { field: 'archive', filename: 'base.tar.gz', value: await packFolder(folder, 'tar.gz') },
      ]),
    });
    expect(archive.statusCode, archive.body).toBe(201);
    expect((archive.json() as BaseModelJson).id).toBe(sharded.id);

    // Every file downloads as uploaded; the weights as one file do not exist for a sharded base.
    for (const [name, href] of Object.entries(sharded.downloads.files ?? {})) {
      const file = await t.app.inject(href);
      expect(file.statusCode, name).toBe(200);
      expect(file.rawPayload.equals(await readFile(path.join(folder, name))), name).toBe(true);
    }
    const weights = await t.app.inject(`/api/base-models/${sharded.id}/weights`);
    expect(weights.statusCode).toBe(404);
    expect(weights.json()).toMatchObject({ code: 'GRADIEND_ERR_BASE_MODEL_NOT_FOUND' });
  });

  it('refuses folders the core could not rewrite: shards without an index, an index naming a missing shard', async () => {
    const noIndex = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=bad',
      ...multipart(folderParts(folder).filter((p) => p.filename !== INDEX)),
    });
    expect(noIndex.statusCode, noIndex.body).toBe(422);
    expect(noIndex.json()).toMatchObject({ code: 'GRADIEND_ERR_REWRITE' });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/base-models?name=bad',
      ...multipart(folderParts(folder).filter((p) => p.filename !== SHARD_2)),
    });
    expect(missing.statusCode, missing.body).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'GRADIEND_ERR_REWRITE' });
    expect(missing.json().detail).toContain(SHARD_2);
  });

  it('rewrites shard by shard into a sharded base equal, tensor for tensor, to the single-file rewrite', async () => {
    const expected = JSON.parse(
      await readFile(fixturePath(CASE, 'rewrite', 'model', 'expected.json'), 'utf8'),
    ) as { rewrites: { args: { learning_rate: number; feature_factor: number[]; part: string } }[] };
    const args = expected.rewrites[0]?.args;
    const rewrite = async (base: string, output: 'model' | 'patch') =>
      t.app.inject({
        method: 'POST',
        url: `/api/models/${CASE}/versions/1/rewrite`,
        payload: { ...args, base, output },
      });
    const fromSingle = await rewrite(single.id, 'model');
    const fromShards = await rewrite(sharded.id, 'model');
    expect(fromSingle.statusCode, fromSingle.body).toBe(201);
    expect(fromShards.statusCode, fromShards.body).toBe(201);
    const one = fromSingle.json() as BaseModelJson;
    const many = fromShards.json() as BaseModelJson;
    expect(many.lineage).toMatchObject({ base: sharded.id, gradiend: { name: CASE, version: 1 } });
    expect(many.files?.map((f) => f.name)).toEqual(sharded.files?.map((f) => f.name));

    const want = readSafetensorsBuffer((await t.app.inject(one.downloads.weights as string)).rawPayload);
    const got = new Map<string, Buffer>();
    for (const [name, href] of Object.entries(many.downloads.files ?? {})) {
      got.set(name, (await t.app.inject(href)).rawPayload);
    }
    const shard1 = readSafetensorsBuffer(got.get(SHARD_1) as Buffer);
    for (const name of shard1.header.byName.keys()) {
      expect(shard1.get(name).data, name).toEqual(want.get(name).data);
    }
    // The unmapped shard, the index and the config are the uploaded bytes.
    for (const name of [SHARD_2, INDEX, 'config.json']) {
      expect(got.get(name)?.equals(await readFile(path.join(folder, name))), name).toBe(true);
    }
    // The mapped shard did change.
    expect(got.get(SHARD_1)?.equals(await readFile(path.join(folder, SHARD_1)))).toBe(false);

    // The sparse patch does not depend on how the base is split.
    const patchSingle = await rewrite(single.id, 'patch');
    const patchShards = await rewrite(sharded.id, 'patch');
    expect(patchShards.statusCode, patchShards.body).toBe(200);
    expect(patchShards.rawPayload.equals(patchSingle.rawPayload)).toBe(true);
  });
});
