import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../storage/s3/s3-blob-store.js';
import type { S3Settings } from '../storage/s3/s3-client.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startTestS3Server, type TestS3Server } from '../test-support/s3-server.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { startApiProcess, type ApiProcess } from './api-process.js';

const GRACE_S = 3;

describe('several API processes sharing one PostgreSQL database and one S3 bucket', () => {
  let db: TestDatabase;
  let s3: TestS3Server;
  let settings: S3Settings;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let sql: pg.Client;
  let store: S3BlobStore;
  const procs: ApiProcess[] = [];
  let a: ApiProcess;
  let b: ApiProcess;

  const envFor = (name: string): Record<string, string> => ({
    GRADIEND_DATA_DIR: path.join(tmp.dir, name),
    GRADIEND_DATABASE_URL: db.url,
    GRADIEND_S3_ENDPOINT: settings.endpoint ?? '',
    GRADIEND_S3_BUCKET: settings.bucket,
    GRADIEND_S3_REGION: settings.region,
    GRADIEND_S3_ACCESS_KEY_ID: settings.accessKeyId ?? '',
    GRADIEND_S3_SECRET_ACCESS_KEY: settings.secretAccessKey ?? '',
    GRADIEND_S3_FORCE_PATH_STYLE: 'true',
    GRADIEND_SEED_DEMO: 'off',
    GRADIEND_AUTH: 'off',
    GRADIEND_WORKERS: '0',
    GRADIEND_RATE_LIMIT_WRITES: '0',
    GRADIEND_ORPHAN_SWEEP_INTERVAL_S: '1',
    GRADIEND_ORPHAN_GRACE_S: String(GRACE_S),
    LOG_LEVEL: 'warn',
  });

  async function start(name: string): Promise<ApiProcess> {
    const p = await startApiProcess(envFor(name));
    procs.push(p);
    return p;
  }

  async function s3Keys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const blob of store.list()) keys.push(blob.sha256);
    return keys.sort();
  }

  async function referencedShas(): Promise<string[]> {
    return (
      await sql.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM version_files ORDER BY sha256')
    ).rows.map((r) => r.sha256);
  }

  beforeAll(async () => {
    tmp = await makeTempDir();
    db = await createTestDatabase();
    s3 = await startTestS3Server();
    settings = await s3.createBucket();
    store = new S3BlobStore({
      client: s3.client(settings),
      bucket: settings.bucket,
      cacheDir: path.join(tmp.dir, 'probe-cache'),
      tmpDir: path.join(tmp.dir, 'probe-tmp'),
    });
    await store.init();
    // Both start at once: migrations must serialise on the advisory lock.
    [a, b] = await Promise.all([start('a'), start('b')]);
    sql = new pg.Client(db.url);
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await sql?.end();
    await store?.close();
    await s3?.close();
    await db?.drop();
    await tmp?.cleanup();
  });

  it('uploads through one instance, prunes and downloads through the other', async () => {
    const dir = fixturePath('bert-shaped-224k', 'model');
    const body = multipart(folderParts(dir));
    const up = await fetch(`${a.base}/api/models/shared/versions`, {
      method: 'POST',
      headers: body.headers,
      body: body.payload,
    });
    expect(up.status, await up.clone().text()).toBe(201);
    const pruned = await fetch(`${b.base}/api/models/shared/versions/1/prune`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topk: 1000, part: 'decoder-weight' }),
    });
    expect(pruned.status, await pruned.clone().text()).toBe(201);
    expect(await pruned.json()).toMatchObject({
      name: 'shared',
      version: 2,
      input_dim: 1000,
      operation: 'prune',
    });
    const seenByA = (await (await fetch(`${a.base}/api/models/shared/versions/2`)).json()) as {
      parent: unknown;
      files: { name: string; sha256: string }[];
    };
    expect(seenByA.parent).toMatchObject({ name: 'shared', version: 1 });
    for (const part of folderParts(dir)) {
      const file = await fetch(`${b.base}/api/models/shared/versions/1/files/${part.filename}`);
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(part.value as Buffer)).toBe(true);
    }
    const ranged = await fetch(`${b.base}/api/models/shared/versions/1/files/model.safetensors`, {
      headers: { range: 'bytes=0-7' },
    });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(8);
    const archive = await fetch(`${a.base}/api/models/shared/versions/2/archive?format=tar.gz`);
    expect(archive.status).toBe(200);
    expect((await archive.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect(await s3Keys()).toEqual(await referencedShas());
  });

  it('numbers concurrent uploads across both instances distinctly and without gaps', async () => {
    const body = multipart(folderParts(fixturePath('mixed-latent3', 'model')));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${(i % 2 === 0 ? a : b).base}/api/models/conc/versions`, {
          method: 'POST',
          headers: body.headers,
          body: body.payload,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const versions = await Promise.all(
      results.map(async (r) => ((await r.json()) as { version: number }).version),
    );
    expect([...versions].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const audit = await sql.query(
      "SELECT version FROM audit_log WHERE model = 'conc' AND action = 'version.upload'",
    );
    expect(audit.rows.map((r: { version: number }) => r.version).sort((x, y) => x - y)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  it('an instance killed mid-upload leaves no version and no rows; the sweep removes orphan blobs', async () => {
    const c = await start('c');
    const before = (await sql.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM versions')).rows[0]?.n;
    const big = Buffer.alloc(6 * 1024 * 1024, 3);
    const body = multipart([
      ...folderParts(fixturePath('two-layer-all', 'model')).filter((p) => p.filename !== 'model.safetensors'),
      { field: 'files', filename: 'model.safetensors', value: big },
    ]);
    const exited = new Promise((resolve) => c.child.once('exit', resolve));
    await new Promise<void>((resolve) => {
      const req = http.request(`${c.base}/api/models/killed/versions`, {
        method: 'POST',
        headers: { ...body.headers, 'content-length': String(body.payload.length) },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(body.payload.subarray(0, 3 * 1024 * 1024), () => {
        c.child.kill('SIGKILL');
        resolve();
      });
    });
    await exited;
    expect(c.child.signalCode).toBe('SIGKILL');
    expect((await fetch(`${a.base}/api/models/killed`)).status).toBe(404);
    expect((await sql.query("SELECT 1 FROM models WHERE name = 'killed'")).rowCount).toBe(0);
    expect((await sql.query("SELECT 1 FROM audit_log WHERE model = 'killed'")).rowCount).toBe(0);
    expect((await sql.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM versions')).rows[0]?.n).toBe(
      before,
    );

    // A crash between storing blobs and committing leaves blobs nobody references: simulate one.
    const orphan = randomBytes(4096);
    const orphanSha = createHash('sha256').update(orphan).digest('hex');
    await store.put(Readable.from([orphan]));
    expect(await s3Keys()).toContain(orphanSha);
    // Inside the grace period the sweep must leave it alone (it could be an upload in flight).
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await store.has(orphanSha)).toBe(true);
    const deadline = Date.now() + (GRACE_S + 10) * 1000;
    while ((await store.has(orphanSha)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(await store.has(orphanSha)).toBe(false);
    expect(await s3Keys()).toEqual(await referencedShas());
    expect((await fetch(`${b.base}/api/ready`)).status).toBe(200);
  });

  it('caches are per instance and keyed by content: a deleted and re-uploaded model serves the new bytes', async () => {
    const first = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    const second = multipart(folderParts(fixturePath('mixed-latent3', 'model')));
    const post = (p: ApiProcess, m: { headers: Record<string, string>; payload: Buffer }) =>
      fetch(`${p.base}/api/models/cache/versions`, { method: 'POST', headers: m.headers, body: m.payload });
    expect((await post(a, first)).status).toBe(201);
    const params1 = await (await fetch(`${b.base}/api/models/cache/versions/latest/params`)).json();
    expect((await fetch(`${a.base}/api/models/cache/versions/1`, { method: 'DELETE' })).status).toBe(200);
    expect((await post(a, second)).status).toBe(201);
    const params2 = await (await fetch(`${b.base}/api/models/cache/versions/latest/params`)).json();
    expect(params2).not.toEqual(params1);
    const metrics = await (await fetch(`${b.base}/metrics`)).text();
    expect(metrics).toMatch(/gradiend_cache_lookups_total\{cache="checkout",result="miss"\} [2-9]/);
  });
});
