import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { JobJson } from '../jobs/job-json.js';
import type { CountResult } from '../test-support/counting-job-kind.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startTestS3Server, type TestS3Server } from '../test-support/s3-server.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { startApiProcess, type ApiProcess } from './api-process.js';

const LEASE_MS = 1_500;
const SERVE_WITH_TEST_JOBS = ['src/test-support/serve-with-test-jobs.ts'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function baseEnv(dataDir: string): Record<string, string> {
  return {
    GRADIEND_DATA_DIR: dataDir,
    GRADIEND_SEED_DEMO: 'off',
    GRADIEND_AUTH: 'off',
    GRADIEND_WORKERS: '0',
    GRADIEND_RATE_LIMIT_WRITES: '0',
    GRADIEND_ORPHAN_SWEEP_INTERVAL_S: '0',
    GRADIEND_JOB_LEASE_MS: String(LEASE_MS),
    GRADIEND_JOB_POLL_MS: '100',
    GRADIEND_JOB_MAX_ATTEMPTS: '3',
    LOG_LEVEL: 'warn',
  };
}

async function count(p: ApiProcess, body: object, query = ''): Promise<Response> {
  return fetch(`${p.base}/api/test/count${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function getJob(p: ApiProcess, id: string, query = ''): Promise<JobJson> {
  const res = await fetch(`${p.base}/api/jobs/${id}${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as JobJson;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Each instance's /metrics reports one running and no queued test-count job (cluster-wide gauges). */
async function expectRunningEverywhere(procs: readonly ApiProcess[]): Promise<void> {
  for (const p of procs) {
    const text = await (await fetch(`${p.base}/metrics`)).text();
    expect(text).toContain('gradiend_jobs_running{kind="test-count"} 1');
    expect(text).not.toMatch(/gradiend_jobs_queued\{kind="test-count"\} [1-9]/);
  }
}

/** The process a lease owner name (`host:pid:random`) belongs to. */
function ownerOf(procs: readonly ApiProcess[], owner: string | null): ApiProcess | undefined {
  return procs.find((p) => owner?.split(':')[1] === String(p.child.pid));
}

describe('jobs across API processes sharing PostgreSQL and S3', () => {
  let db: TestDatabase;
  let s3: TestS3Server;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let sql: pg.Client;
  const procs: ApiProcess[] = [];
  let env: (name: string) => Record<string, string>;

  const leaseOwner = async (id: string): Promise<string | null> =>
    (await sql.query<{ lease_owner: string | null }>('SELECT lease_owner FROM jobs WHERE id = $1', [id]))
      .rows[0]?.lease_owner ?? null;

  beforeAll(async () => {
    tmp = await makeTempDir();
    db = await createTestDatabase();
    s3 = await startTestS3Server();
    const settings = await s3.createBucket();
    env = (name) => ({
      ...baseEnv(path.join(tmp.dir, name)),
      GRADIEND_DATABASE_URL: db.url,
      GRADIEND_S3_ENDPOINT: settings.endpoint ?? '',
      GRADIEND_S3_BUCKET: settings.bucket,
      GRADIEND_S3_REGION: settings.region,
      GRADIEND_S3_ACCESS_KEY_ID: settings.accessKeyId ?? '',
      GRADIEND_S3_SECRET_ACCESS_KEY: settings.secretAccessKey ?? '',
      GRADIEND_S3_FORCE_PATH_STYLE: 'true',
    });
    procs.push(
      ...(await Promise.all(['a', 'b', 'c'].map((n) => startApiProcess(env(n), SERVE_WITH_TEST_JOBS)))),
    );
    sql = new pg.Client(db.url);
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await sql?.end();
    await s3?.close();
    await db?.drop();
    await tmp?.cleanup();
  });

  it('one request through two instances joins one computation; either serves the stored result', async () => {
    const [a, b] = procs as [ApiProcess, ApiProcess];
    const body = { to: 8, stepMs: 60, tag: 'joined' };
    const [ra, rb] = await Promise.all([count(a, body), count(b, body)]);
    expect([ra.status, rb.status]).toEqual([202, 202]);
    const id = ra.headers.get('gradiend-job') ?? '';
    expect(rb.headers.get('gradiend-job')).toBe(id);
    expect(ra.headers.get('location')).toBe(`/api/jobs/${id}`);

    const done = await getJob(b, id, '?wait=30');
    expect(done).toMatchObject({ state: 'done', attempts: 1, progress: { fraction: 1 } });
    const results = await Promise.all(
      procs.map(async (p) => (await (await fetch(`${p.base}/api/jobs/${id}/result`)).json()) as CountResult),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ counted: 8, tag: 'joined', attempt: 1 });
    expect(procs.map((p) => p.child.pid)).toContain(results[0]?.pid);

    // Asking again through the third instance: the stored result, same job, nothing recomputed.
    const again = await count(procs[2] as ApiProcess, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('gradiend-job')).toBe(id);
    const rows = await sql.query("SELECT id FROM jobs WHERE kind = 'test-count' AND args LIKE '%joined%'");
    expect(rows.rowCount).toBe(1);
    const starts = await sql.query("SELECT actor FROM audit_log WHERE action = 'job.start'");
    expect(starts.rowCount).toBe(1);
  });

  it('a cancel through another instance stops the job where it runs, at its next heartbeat', async () => {
    const [a] = procs as [ApiProcess];
    const accepted = (await (await count(a, { to: 10_000, stepMs: 20, tag: 'cancel' })).json()) as JobJson;
    const owner = await until('the job to be claimed', () => leaseOwner(accepted.id));
    const runner = ownerOf(procs, owner);
    const other = procs.find((p) => p !== runner);
    expect(runner).toBeDefined();
    expect(other).toBeDefined();
    // The gauges are read from the shared database: every instance reports the running job.
    await expectRunningEverywhere(procs);
    const res = await fetch(`${other?.base}/api/jobs/${accepted.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'cancelled', cancelled_by: 'anonymous' });
    // The runner notices within a heartbeat (LEASE_MS / 3) and records the run as cancelled.
    const metric = /gradiend_job_duration_seconds_count\{kind="test-count",outcome="cancelled"\} 1/;
    await until(
      'the runner to stop',
      async () => metric.test(await (await fetch(`${runner?.base}/metrics`)).text()) || null,
      LEASE_MS * 3,
    );
    const after = await getJob(other as ApiProcess, accepted.id);
    expect(after.state).toBe('cancelled');
    expect(after.progress.fraction).toBeLessThan(1);
  });

  it('kill -9 of the running instance: another one takes the job over when the lease expires', async () => {
    const accepted = (await (
      await count(procs[1] as ApiProcess, { to: 40, stepMs: 50, tag: 'killed' })
    ).json()) as JobJson;
    // Let it make progress first, so the takeover is visible as a second attempt.
    await until('progress', async () => {
      const job = await getJob(procs[1] as ApiProcess, accepted.id);
      return job.progress.fraction > 0 ? job : null;
    });
    const victim = ownerOf(procs, await leaseOwner(accepted.id));
    expect(victim).toBeDefined();
    const exited = new Promise((r) => victim?.child.once('exit', r));
    victim?.child.kill('SIGKILL');
    await exited;
    const survivors = procs.filter((p) => p !== victim);
    const killedAt = Date.now();
    const done = await until('the takeover to finish', async () => {
      const job = await getJob(survivors[0] as ApiProcess, accepted.id);
      return job.state === 'done' ? job : null;
    });
    // Lease expiry + a fresh 40 × 50 ms run, with room for a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 40 * 50 + 10_000);
    expect(done.attempts).toBe(2);
    const result = (await (
      await fetch(`${survivors[1]?.base}/api/jobs/${accepted.id}/result`)
    ).json()) as CountResult;
    expect(result).toMatchObject({ counted: 40, attempt: 2 });
    expect(result.pid).not.toBe(victim?.child.pid);
  });

  it('SIGTERM hands the running job back at once: another instance finishes it in the same attempt', async () => {
    const alive = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    expect(alive.length).toBeGreaterThanOrEqual(2);
    const accepted = (await (
      await count(alive[0] as ApiProcess, { to: 30, stepMs: 50, tag: 'handed-back' })
    ).json()) as JobJson;
    const leaving = ownerOf(procs, await until('the job to be claimed', () => leaseOwner(accepted.id)));
    expect(leaving).toBeDefined();
    const staying = alive.find((p) => p !== leaving) as ApiProcess;
    await leaving?.stop();
    const done = await getJob(staying, accepted.id, '?wait=30');
    // Released, not expired: the attempt was not counted, so the takeover is attempt 1 again.
    expect(done).toMatchObject({ state: 'done', attempts: 1 });
    const result = (await (
      await fetch(`${staying.base}/api/jobs/${accepted.id}/result`)
    ).json()) as CountResult;
    expect(result).toMatchObject({ counted: 30, pid: staying.child.pid, attempt: 1 });
  });
});

describe('jobs on embedded SQLite: a restart recovers a job its killed instance was running', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const procs: ApiProcess[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir();
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await tmp?.cleanup();
  });

  it('requeues the job after the lease and finishes it on the restarted instance', async () => {
    const dataDir = path.join(tmp.dir, 'data');
    const first = await startApiProcess(baseEnv(dataDir), SERVE_WITH_TEST_JOBS);
    procs.push(first);
    const accepted = (await (await count(first, { to: 30, stepMs: 50 })).json()) as JobJson;
    await until('progress', async () => {
      const job = await getJob(first, accepted.id);
      return job.progress.fraction > 0 ? job : null;
    });
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;

    const file = new Database(path.join(dataDir, 'registry.sqlite'), { readonly: true });
    const row = file.prepare('SELECT state, attempts FROM jobs WHERE id = ?').get(accepted.id);
    file.close();
    expect(row).toEqual({ state: 'running', attempts: 1 });

    const second = await startApiProcess(baseEnv(dataDir), SERVE_WITH_TEST_JOBS);
    procs.push(second);
    const done = await getJob(second, accepted.id, `?wait=${Math.ceil((LEASE_MS + 30 * 50) / 1000) + 20}`);
    expect(done).toMatchObject({ state: 'done', attempts: 2 });
    const result = (await (
      await fetch(`${second.base}/api/jobs/${accepted.id}/result`)
    ).json()) as CountResult;
    expect(result).toMatchObject({ counted: 30, pid: second.child.pid, attempt: 2 });
  });
});

// Two processes on one host sharing one data dir (SQLite in WAL mode + the files blob store): the
// same guarantees as on PostgreSQL, with the claim serialized by SQLite's write lock.
describe('jobs across two API processes sharing one SQLite data dir', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const procs: ApiProcess[] = [];
  let dataDir: string;

  const row = (id: string): { state: string; attempts: number; lease_owner: string | null } | undefined => {
    const file = new Database(path.join(dataDir, 'registry.sqlite'), { readonly: true });
    try {
      return file.prepare('SELECT state, attempts, lease_owner FROM jobs WHERE id = ?').get(id) as
        { state: string; attempts: number; lease_owner: string | null } | undefined;
    } finally {
      file.close();
    }
  };

  beforeAll(async () => {
    tmp = await makeTempDir();
    dataDir = path.join(tmp.dir, 'data');
    // The first one creates the database (migrations), then the second opens it.
    procs.push(await startApiProcess(baseEnv(dataDir), SERVE_WITH_TEST_JOBS));
    procs.push(await startApiProcess(baseEnv(dataDir), SERVE_WITH_TEST_JOBS));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await tmp?.cleanup();
  });

  it('one request through both joins one computation; either serves the stored result', async () => {
    const [a, b] = procs as [ApiProcess, ApiProcess];
    const body = { to: 8, stepMs: 40, tag: 'sqlite-joined' };
    const [ra, rb] = await Promise.all([count(a, body), count(b, body)]);
    expect([ra.status, rb.status]).toEqual([202, 202]);
    const id = ra.headers.get('gradiend-job') ?? '';
    expect(rb.headers.get('gradiend-job')).toBe(id);
    const done = await getJob(a, id, '?wait=30');
    expect(done).toMatchObject({ state: 'done', attempts: 1 });
    const results = await Promise.all(
      procs.map(async (p) => (await (await fetch(`${p.base}/api/jobs/${id}/result`)).json()) as CountResult),
    );
    expect(results[0]).toMatchObject({ counted: 8, tag: 'sqlite-joined', attempt: 1 });
    expect(results[1]).toEqual(results[0]);
    // A repeat through either instance is a cache hit of the same job.
    for (const p of procs) {
      const again = await count(p, body);
      expect(again.status).toBe(200);
      expect(again.headers.get('gradiend-job')).toBe(id);
    }
  });

  it('a cancel through the other instance stops the job where it runs', async () => {
    const accepted = (await (
      await count(procs[0] as ApiProcess, { to: 10_000, stepMs: 20, tag: 'sqlite-cancel' })
    ).json()) as JobJson;
    const owner = await until('the job to be claimed', async () => row(accepted.id)?.lease_owner);
    const runner = ownerOf(procs, owner) as ApiProcess;
    const other = procs.find((p) => p !== runner) as ApiProcess;
    await expectRunningEverywhere(procs);
    const res = await fetch(`${other.base}/api/jobs/${accepted.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const metric = /gradiend_job_duration_seconds_count\{kind="test-count",outcome="cancelled"\} 1/;
    await until(
      'the runner to stop',
      async () => metric.test(await (await fetch(`${runner.base}/metrics`)).text()) || null,
      LEASE_MS * 3,
    );
    expect(row(accepted.id)).toMatchObject({ state: 'cancelled', lease_owner: null });
  });

  it('kill -9 of the running instance: the other one takes the job over when the lease expires', async () => {
    const accepted = (await (
      await count(procs[1] as ApiProcess, { to: 30, stepMs: 50, tag: 'sqlite-killed' })
    ).json()) as JobJson;
    await until('progress', async () => {
      const job = await getJob(procs[1] as ApiProcess, accepted.id);
      return job.progress.fraction > 0 ? job : null;
    });
    const victim = ownerOf(procs, row(accepted.id)?.lease_owner ?? null) as ApiProcess;
    expect(victim).toBeDefined();
    const survivor = procs.find((p) => p !== victim) as ApiProcess;
    const exited = new Promise((r) => victim.child.once('exit', r));
    victim.child.kill('SIGKILL');
    await exited;
    const done = await getJob(survivor, accepted.id, `?wait=${Math.ceil((LEASE_MS + 30 * 50) / 1000) + 20}`);
    expect(done).toMatchObject({ state: 'done', attempts: 2 });
    const result = (await (
      await fetch(`${survivor.base}/api/jobs/${accepted.id}/result`)
    ).json()) as CountResult;
    expect(result).toMatchObject({ counted: 30, pid: survivor.child.pid, attempt: 2 });
  });
});
