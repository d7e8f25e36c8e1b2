import type { Problem } from '../errors/problem.js';
import type {
  JobCount,
  JobQuery,
  JobRecord,
  JobResultRef,
  JobState,
  JobStore,
  NewJob,
} from '../jobs/job-types.js';
import { auditInsert, SqlArgs, type SqlSyntax } from './sql-fragments.js';
import { auditInsertValues, now } from './sql-rows.js';

/** What the job store needs from a database: statements that return rows (RETURNING included). */
export interface JobSqlDb {
  readonly syntax: JobSqlSyntax;
  query<T>(sql: string, args: readonly unknown[]): Promise<T[]>;
}

export interface JobSqlSyntax extends SqlSyntax {
  /** `column` is one of the strings of a JSON array given as the n-th argument. */
  inJsonArray(column: string, n: number): string;
  /** Row lock for a claim: PostgreSQL's `FOR UPDATE SKIP LOCKED`; SQLite writes one at a time anyway. */
  readonly skipLocked: string;
}

interface JobRow {
  id: string;
  kind: string;
  key: string;
  args: string;
  model: string | null;
  version: number | null;
  state: JobState;
  progress: number;
  message: string;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  cancelled_by: string | null;
  result_sha256: string | null;
  result_type: string | null;
  result_size: number | string | null;
  error: string | null;
}

// PostgreSQL returns BIGINT as a string; both values are far inside float64's exact range.
function toNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function toJobRecord(row: JobRow): JobRecord {
  const size = toNumber(row.result_size);
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    args: JSON.parse(row.args) as unknown,
    model: row.model,
    version: row.version,
    state: row.state,
    progress: Number(row.progress),
    message: row.message,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: toNumber(row.lease_expires_at),
    createdAt: row.created_at,
    createdBy: row.created_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    cancelledBy: row.cancelled_by,
    result:
      row.result_sha256 !== null && row.result_type !== null && size !== null
        ? { sha256: row.result_sha256, contentType: row.result_type, size }
        : null,
    error: row.error === null ? null : (JSON.parse(row.error) as Problem),
  };
}

/**
 * The one JobStore for both metadata databases: the statements are the same, only `syntax` differs.
 * No statement needs a transaction: each change is a single conditional UPDATE/INSERT, which both
 * databases apply atomically. Audit entries follow the change they record in their own statement.
 */
export class SqlJobStore implements JobStore {
  constructor(private readonly db: JobSqlDb) {}

  private p(n: number): string {
    return this.db.syntax.param(n);
  }

  private async rows(sql: string, args: readonly unknown[]): Promise<JobRecord[]> {
    return (await this.db.query<JobRow>(sql, args)).map(toJobRecord);
  }

  private async audit(actor: string, action: string, job: JobRecord): Promise<void> {
    await this.db.query(
      auditInsert(this.db.syntax),
      auditInsertValues(
        { actor, action, model: job.model, version: job.version, details: { job: job.id, kind: job.kind } },
        now(),
      ),
    );
  }

  async byKey(key: string, states: readonly JobState[]): Promise<JobRecord | null> {
    const sql = `SELECT * FROM jobs WHERE key = ${this.p(1)} AND ${this.db.syntax.inJsonArray('state', 2)}
      ORDER BY created_at DESC LIMIT 1`;
    return (await this.rows(sql, [key, JSON.stringify(states)]))[0] ?? null;
  }

  /**
   * The newest done job for `key`, its `updated_at` set to now in the same statement: a job being
   * reused is then younger than any retention cutoff, and one removed just before is not returned.
   */
  private async reuseDone(key: string): Promise<JobRecord | null> {
    const rows = await this.rows(
      `UPDATE jobs SET updated_at = ${this.p(1)}
       WHERE id = (SELECT id FROM jobs WHERE key = ${this.p(2)} AND state = 'done' ORDER BY created_at DESC, id DESC LIMIT 1)
         AND state = 'done' RETURNING *`,
      [now(), key],
    );
    return rows[0] ?? null;
  }

  async submit(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    // Two rounds at most: a job that finishes between the insert's conflict and the re-read.
    for (let round = 0; round < 3; round++) {
      if (job.reuseDone) {
        const done = await this.reuseDone(job.key);
        if (done) return { job: done, created: false };
      }
      const at = now();
      const inserted = await this.rows(
        `INSERT INTO jobs (id, kind, key, args, model, version, state, max_attempts, created_at, created_by, updated_at)
         VALUES (${[1, 2, 3, 4, 5, 6].map((n) => this.p(n)).join(', ')}, 'queued', ${this.p(7)}, ${this.p(8)}, ${this.p(9)}, ${this.p(8)})
         ON CONFLICT (key) WHERE state IN ('queued', 'running') DO NOTHING RETURNING *`,
        [
          job.id,
          job.kind,
          job.key,
          JSON.stringify(job.args),
          job.model,
          job.version,
          job.maxAttempts,
          at,
          job.actor,
        ],
      );
      const created = inserted[0];
      if (created) {
        await this.audit(job.actor, 'job.start', created);
        return { job: created, created: true };
      }
      const live = await this.byKey(job.key, ['queued', 'running']);
      if (live) return { job: live, created: false };
    }
    throw new Error(`job key ${job.key} kept changing state while joining it`);
  }

  async get(id: string): Promise<JobRecord | null> {
    return (await this.rows(`SELECT * FROM jobs WHERE id = ${this.p(1)}`, [id]))[0] ?? null;
  }

  async list(query: JobQuery): Promise<JobRecord[]> {
    const args = new SqlArgs(this.db.syntax);
    const where: string[] = [];
    if (query.model !== undefined) where.push(`model = ${args.add(query.model)}`);
    if (query.kind !== undefined) where.push(`kind = ${args.add(query.kind)}`);
    if (query.state !== undefined) where.push(`state = ${args.add(query.state)}`);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.rows(
      `SELECT * FROM jobs ${clause} ORDER BY created_at DESC, id DESC LIMIT ${args.add(query.limit)}`,
      args.values,
    );
  }

  async claim(owner: string, kinds: readonly string[], leaseMs: number): Promise<JobRecord | null> {
    if (kinds.length === 0) return null;
    const at = now();
    const pick = `SELECT id FROM jobs WHERE state = 'queued' AND ${this.db.syntax.inJsonArray('kind', 1)}
      ORDER BY created_at, id LIMIT 1${this.db.syntax.skipLocked}`;
    const claimed = await this.rows(
      `UPDATE jobs SET state = 'running', lease_owner = ${this.p(2)}, lease_expires_at = ${this.p(3)},
         attempts = attempts + 1, started_at = COALESCE(started_at, ${this.p(4)}), updated_at = ${this.p(4)}
       WHERE id = (${pick}) AND state = 'queued' RETURNING *`,
      [JSON.stringify(kinds), owner, Date.now() + leaseMs, at],
    );
    return claimed[0] ?? null;
  }

  /** UPDATE of `owner`'s running job `id`; true when it still was. */
  private async ownUpdate(
    id: string,
    owner: string,
    set: string,
    values: readonly unknown[],
  ): Promise<boolean> {
    const n = values.length;
    const rows = await this.db.query<{ id: string }>(
      `UPDATE jobs SET ${set} WHERE id = ${this.p(n + 1)} AND lease_owner = ${this.p(n + 2)} AND state = 'running' RETURNING id`,
      [...values, id, owner],
    );
    return rows.length > 0;
  }

  async heartbeat(
    id: string,
    owner: string,
    leaseMs: number,
    progress: { fraction: number; message: string },
  ): Promise<boolean> {
    return this.ownUpdate(
      id,
      owner,
      `lease_expires_at = ${this.p(1)}, progress = ${this.p(2)}, message = ${this.p(3)}, updated_at = ${this.p(4)}`,
      [Date.now() + leaseMs, progress.fraction, progress.message, now()],
    );
  }

  async complete(id: string, owner: string, result: JobResultRef): Promise<boolean> {
    const at = now();
    return this.ownUpdate(
      id,
      owner,
      `state = 'done', progress = 1, result_sha256 = ${this.p(1)}, result_type = ${this.p(2)},
       result_size = ${this.p(3)}, finished_at = ${this.p(4)}, updated_at = ${this.p(4)}, lease_owner = NULL,
       lease_expires_at = NULL`,
      [result.sha256, result.contentType, result.size, at],
    );
  }

  async fail(id: string, owner: string, error: Problem): Promise<boolean> {
    const at = now();
    return this.ownUpdate(
      id,
      owner,
      `state = 'failed', error = ${this.p(1)}, finished_at = ${this.p(2)}, updated_at = ${this.p(2)},
       lease_owner = NULL, lease_expires_at = NULL`,
      [JSON.stringify(error), at],
    );
  }

  async release(id: string, owner: string): Promise<boolean> {
    return this.ownUpdate(
      id,
      owner,
      `state = 'queued', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = ${this.p(1)}`,
      [now()],
    );
  }

  async cancel(id: string, actor: string): Promise<JobRecord | null> {
    const at = now();
    const cancelled = await this.rows(
      `UPDATE jobs SET state = 'cancelled', cancelled_by = ${this.p(1)}, finished_at = ${this.p(2)},
         updated_at = ${this.p(2)}, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${this.p(3)} AND state IN ('queued', 'running') RETURNING *`,
      [actor, at, id],
    );
    const job = cancelled[0];
    if (job) {
      await this.audit(actor, 'job.cancel', job);
      return job;
    }
    return this.get(id);
  }

  async reapExpired(error: Problem): Promise<{ requeued: number; failed: number }> {
    const at = now();
    const cutoff = Date.now();
    const failed = await this.db.query<{ id: string }>(
      `UPDATE jobs SET state = 'failed', error = ${this.p(1)}, finished_at = ${this.p(2)}, updated_at = ${this.p(2)},
         lease_owner = NULL, lease_expires_at = NULL
       WHERE state = 'running' AND lease_expires_at < ${this.p(3)} AND attempts >= max_attempts RETURNING id`,
      [JSON.stringify(error), at, cutoff],
    );
    const requeued = await this.db.query<{ id: string }>(
      `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = ${this.p(1)}
       WHERE state = 'running' AND lease_expires_at < ${this.p(2)} RETURNING id`,
      [at, cutoff],
    );
    return { requeued: requeued.length, failed: failed.length };
  }

  async removeFinished(before: string): Promise<number> {
    const rows = await this.db.query<{ id: string }>(
      `DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < ${this.p(1)} RETURNING id`,
      [before],
    );
    return rows.length;
  }

  async liveCounts(): Promise<JobCount[]> {
    const rows = await this.db.query<{ kind: string; state: JobState; n: number | string }>(
      `SELECT kind, state, COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running') GROUP BY kind, state`,
      [],
    );
    return rows.map((r) => ({ kind: r.kind, state: r.state, n: Number(r.n) }));
  }

  async isResultBlob(sha256: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 AS x FROM jobs WHERE result_sha256 = ${this.p(1)} LIMIT 1`, [
      sha256,
    ]);
    return rows.length > 0;
  }
}
