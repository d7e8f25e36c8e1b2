import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packFolder, rawTar, untarGz } from '../test-support/archives.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

interface Expected {
  input_dim: number;
  latent_dim: number;
  unpruned_length: number;
  param_map_hash: string;
  dtype: string;
}

function expected(fixture: string): Expected {
  return JSON.parse(fs.readFileSync(fixturePath(fixture, 'expected.json'), 'utf8')) as Expected;
}

describe('registry', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function upload(name: string, body: { payload: Buffer; headers: Record<string, string> }) {
    return t.app.inject({ method: 'POST', url: `/api/models/${name}/versions`, ...body });
  }

  const leftovers = () => t.leftovers();

  it.each(['two-layer-all', 'torch-bin-format', 'mixed-latent3', 'dtype-float16', 'layernorm-nobias'])(
    'uploads %s as folder files and serves its metadata and files',
    async (fixture) => {
      const dir = fixturePath(fixture, 'model');
      const res = await upload(
        'm',
        multipart([...folderParts(dir, 'model/'), { field: 'tags', value: 'a, b' }]),
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers.location).toBe('/api/models/m/versions/1');
      const v = res.json();
      const e = expected(fixture);
      expect(v).toMatchObject({
        name: 'm',
        version: 1,
        input_dim: e.input_dim,
        latent_dim: e.latent_dim,
        unpruned_length: e.unpruned_length,
        param_map_hash: e.param_map_hash,
        dtype: e.dtype,
        parent: null,
        operation: 'upload',
        tags: ['a', 'b'],
      });
      const got = await t.app.inject(`/api/models/m/versions/latest`);
      // The single-version view adds its analysis state (nothing asked for yet).
      expect(got.json()).toEqual({ ...v, analysis: null });
      for (const name of fs.readdirSync(dir)) {
        const file = await t.app.inject(`/api/models/m/versions/1/files/${name}`);
        expect(file.statusCode).toBe(200);
        expect(file.rawPayload.equals(fs.readFileSync(path.join(dir, name)))).toBe(true);
      }
    },
  );

  it.each(['tar', 'tar.gz', 'zip'] as const)(
    'uploads a %s archive; the tar.gz download holds the same files',
    async (kind) => {
      const dir = fixturePath('mixed-latent3', 'model');
      const archive = await packFolder(dir, kind);
      const res = await upload(
        'arch',
        multipart([{ field: 'archive', filename: `ckpt.${kind}`, value: archive }]),
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().param_map_hash).toBe(expected('mixed-latent3').param_map_hash);
      const dl = await t.app.inject('/api/models/arch/versions/1/archive?format=tar.gz');
      expect(dl.statusCode).toBe(200);
      const files = await untarGz(dl.rawPayload);
      expect([...files.keys()].sort()).toEqual(
        fs
          .readdirSync(dir)
          .sort()
          .map((n) => `arch-v1/${n}`),
      );
      for (const [name, bytes] of files) {
        expect(bytes.equals(fs.readFileSync(path.join(dir, path.basename(name))))).toBe(true);
      }
      const zip = await t.app.inject('/api/models/arch/versions/1/archive?format=zip');
      expect(zip.headers['content-type']).toBe('application/zip');
      expect(zip.rawPayload.readUInt32LE(0)).toBe(0x04034b50);
    },
  );

  it('reuploading the same folder answers 200 with the existing version and a flag, storing nothing', async () => {
    const parts = folderParts(fixturePath('two-layer-all', 'model'));
    const first = await upload('m', multipart(parts));
    expect(first.statusCode).toBe(201);
    const again = await upload('m', multipart(parts));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ ...first.json(), duplicate: true });
    expect(again.headers.location).toBe('/api/models/m/versions/1');
    const versions = await t.app.inject('/api/models/m/versions');
    expect(versions.json().items).toHaveLength(1);
    // Other files under the same model are not a duplicate.
    const other = await upload('m', multipart(folderParts(fixturePath('mixed-latent3', 'model'))));
    expect(other.statusCode).toBe(201);
    expect(other.json().version).toBe(2);
  });

  it('reuploading the same folder with copy=true makes version 2 and stores each blob once', async () => {
    const parts = folderParts(fixturePath('two-layer-all', 'model'));
    expect((await upload('m', multipart(parts))).statusCode).toBe(201);
    const copy = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions?copy=true',
      ...multipart(parts),
    });
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json().version).toBe(2);
    expect(copy.json()).not.toHaveProperty('duplicate');
    expect((await t.blobKeys()).length).toBe(parts.length);
  });

  describe('rejects bad uploads with the documented 4xx and leaves nothing behind', () => {
    const dir = () => fixturePath('two-layer-all', 'model');

    it('malformed safetensors → 422', async () => {
      const parts = folderParts(dir()).map((p) =>
        p.filename === 'model.safetensors'
          ? { ...p, value: Buffer.from([255, 255, 255, 255, 0, 0, 0, 0, 123]) }
          : p,
      );
      const res = await upload('bad', multipart(parts));
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 422, code: 'GRADIEND_ERR_SAFETENSORS_FORMAT' });
    });

    it('truncated archive → 400', async () => {
      const archive = await packFolder(dir(), 'tar.gz');
      const res = await upload(
        'bad',
        multipart([{ field: 'archive', filename: 'a.tar.gz', value: archive.subarray(0, 700) }]),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('GRADIEND_ERR_UPLOAD_ARCHIVE_CORRUPT');
    });

    it('path traversal in files and archives → 400', async () => {
      const res = await upload(
        'bad',
        multipart([{ field: 'files', filename: '../config.json', value: '{}' }]),
      );
      expect(res.json().code).toBe('GRADIEND_ERR_UPLOAD_PATH');
      const tar = await rawTar([{ name: '../../etc/config.json', body: '{}' }]);
      const res2 = await upload('bad', multipart([{ field: 'archive', filename: 'a.tar', value: tar }]));
      expect(res2.statusCode).toBe(400);
      expect(res2.json().code).toBe('GRADIEND_ERR_UPLOAD_PATH');
      const abs = await upload(
        'bad',
        multipart([{ field: 'files', filename: '/etc/config.json', value: '{}' }]),
      );
      expect(abs.json().code).toBe('GRADIEND_ERR_UPLOAD_PATH');
    });

    it('links, duplicates and unexpected files in archives → 400', async () => {
      const link = await rawTar([{ name: 'config.json', type: 'symlink', linkname: '/etc/passwd' }]);
      expect(
        (await upload('bad', multipart([{ field: 'archive', filename: 'a.tar', value: link }]))).json().code,
      ).toBe('GRADIEND_ERR_UPLOAD_ARCHIVE_LINK');
      const dup = await rawTar([
        { name: 'config.json', body: '{}' },
        { name: 'config.json', body: '{}' },
      ]);
      expect(
        (await upload('bad', multipart([{ field: 'archive', filename: 'a.tar', value: dup }]))).json().code,
      ).toBe('GRADIEND_ERR_UPLOAD_DUPLICATE');
      const odd = await rawTar([{ name: 'run.sh', body: 'rm -rf /' }]);
      expect(
        (await upload('bad', multipart([{ field: 'archive', filename: 'a.tar', value: odd }]))).json().code,
      ).toBe('GRADIEND_ERR_UPLOAD_UNEXPECTED_FILE');
      const many = await rawTar(Array.from({ length: 40 }, (_, i) => ({ name: `f${i}.json`, body: '{}' })));
      expect(
        (await upload('bad', multipart([{ field: 'archive', filename: 'a.tar', value: many }]))).json().code,
      ).toBe('GRADIEND_ERR_UPLOAD_TOO_MANY_FILES');
    });

    it('wrong content type → 415, not an archive → 415, empty → 400', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/bad/versions',
        payload: { files: [] },
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe('GRADIEND_ERR_REQUEST_MEDIA_TYPE');
      const text = await upload(
        'bad',
        multipart([{ field: 'archive', filename: 'a.zip', value: 'not an archive at all' }]),
      );
      expect(text.statusCode).toBe(415);
      const empty = await upload('bad', multipart([{ field: 'description', value: 'x' }]));
      expect(empty.json().code).toBe('GRADIEND_ERR_UPLOAD_EMPTY');
    });

    afterEach(async () => {
      expect((await t.app.inject('/api/models')).json().total).toBe(0);
      expect(await leftovers()).toEqual([]);
    });
  });

  it('oversized body → 413', async () => {
    const small = await createTestApp({ maxUploadBytes: 1_200 });
    try {
      const res = await small.app.inject({
        method: 'POST',
        url: '/api/models/big/versions',
        ...multipart(folderParts(fixturePath('two-layer-all', 'model'))),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('GRADIEND_ERR_UPLOAD_TOO_LARGE');
      expect(await small.blobKeys()).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('deletes a model with all its versions and those derived from them, and audits it', async () => {
    const parts = folderParts(fixturePath('two-layer-all', 'model'));
    expect((await upload('m', multipart(parts))).statusCode).toBe(201);
    await t.app.inject({ method: 'POST', url: '/api/models/m/versions?copy=true', ...multipart(parts) });
    const prune = (target?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/models/m/versions/1/prune',
        payload: { topk: 10, ...(target ? { target } : {}) },
      });
    expect((await prune()).statusCode).toBe(201);
    expect((await prune('elsewhere')).statusCode).toBe(201);
    await t.app.inject({ method: 'PUT', url: '/api/models/m/aliases/champion', payload: { version: 2 } });

    const res = await t.app.inject({ method: 'DELETE', url: '/api/models/m' });
    expect(res.statusCode, res.body).toBe(200);
    const deleted = (res.json().deleted as { name: string; version: number }[]).map(
      (d) => `${d.name}@${d.version}`,
    );
    expect(deleted.sort()).toEqual(['elsewhere@1', 'm@1', 'm@2', 'm@3']);
    expect((await t.app.inject('/api/models/m')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/models/m' })).statusCode).toBe(404);
    const audit = (await t.app.inject('/api/audit?model=m')).json().items as { action: string }[];
    expect(audit[0]?.action).toBe('model.delete');
    // The same name can start again from version 1.
    expect((await upload('m', multipart(parts))).json().version).toBe(1);
  });

  it('lists, searches, patches, aliases and audits', async () => {
    const parts = folderParts(fixturePath('two-layer-all', 'model'));
    await upload('alpha', multipart([...parts, { field: 'description', value: 'gender direction' }]));
    await t.app.inject({ method: 'POST', url: '/api/models/alpha/versions?copy=true', ...multipart(parts) });
    await upload('beta', multipart([...parts, { field: 'tags', value: 'nlp' }]));
    const list = await t.app.inject('/api/models?q=gender&sort=name');
    expect(list.json().items.map((m: { name: string }) => m.name)).toEqual(['alpha']);
    expect((await t.app.inject('/api/models?tag=nlp')).json().items[0].name).toBe('beta');
    expect((await t.app.inject('/api/models?limit=1&offset=1&sort=name')).json()).toMatchObject({ total: 2 });
    const alpha = (await t.app.inject('/api/models?sort=name')).json().items[0];
    const latest = (await t.app.inject('/api/models/alpha/versions/latest')).json();
    expect(alpha.latest).toEqual({
      version: 2,
      input_dim: latest.input_dim,
      unpruned_length: latest.unpruned_length,
      latent_dim: latest.latent_dim,
      dtype: latest.dtype,
      base_model: latest.base_model,
    });
    expect((await t.app.inject('/api/models/alpha')).json().latest).toEqual(alpha.latest);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/models/beta',
      payload: { description: 'new' },
    });
    expect(patched.json().description).toBe('new');

    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/models/alpha/aliases/champion',
      payload: { version: 1 },
    });
    expect(put.statusCode).toBe(200);
    expect((await t.app.inject('/api/models/alpha/versions/champion')).json().version).toBe(1);
    expect((await t.app.inject('/api/models/alpha/versions/latest')).json().version).toBe(2);
    const reserved = await t.app.inject({
      method: 'PUT',
      url: '/api/models/alpha/aliases/latest',
      payload: { version: 1 },
    });
    expect(reserved.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/api/models/alpha/aliases/champion' })).statusCode,
    ).toBe(204);
    expect((await t.app.inject('/api/models/alpha/versions/champion')).statusCode).toBe(404);
    expect((await t.app.inject('/api/models/nope')).json().code).toBe('GRADIEND_ERR_MODEL_NOT_FOUND');
    expect((await t.app.inject('/api/models/alpha/versions/9')).json().code).toBe(
      'GRADIEND_ERR_VERSION_NOT_FOUND',
    );

    const del = await t.app.inject({ method: 'DELETE', url: '/api/models/alpha/versions/2' });
    expect(del.json().deleted).toEqual([{ name: 'alpha', version: 2 }]);
    const audit = (await t.app.inject('/api/audit?model=alpha'))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(audit).toEqual([
      'version.delete',
      'alias.delete',
      'alias.set',
      'version.upload',
      'version.upload',
    ]);
  });

  it('serves OpenAPI, docs and health', async () => {
    const spec = (await t.app.inject('/api/openapi.json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/api/models/{name}/versions/{ref}/encode');
    expect((await t.app.inject('/api/docs/')).statusCode).toBe(200);
    expect((await t.app.inject('/api/health')).json().status).toBe('ok');
    const nf = await t.app.inject('/api/nope');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().code).toBe('GRADIEND_ERR_ROUTE_NOT_FOUND');
    expect((await t.app.inject('/api/models?limit=0')).json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
  });
});
