import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobJson } from '../jobs/job-json.js';
import { JobResultSchema } from '../schemas/job-result.js';
import { PruneResultSchema } from '../schemas/prune.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { schemaErrors } from '../test-support/schema-errors.js';

interface PrunedVersion {
  name: string;
  version: number;
  operation: string;
  input_dim: number;
  parent: { name: string; version: number } | null;
  files: { name: string; sha256: string }[];
  prune: { input_dim: number; param_map_hash: string };
}

describe('POST …/prune?async=1 runs the prune as a job', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ jobPollMs: 20 });
    const body = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    const up = await t.app.inject({ method: 'POST', url: '/api/models/m/versions', ...body });
    expect(up.statusCode, up.body).toBe(201);
  });

  afterAll(() => t.close());

  const prune = (query: string, body: object) =>
    t.app.inject({ method: 'POST', url: `/api/models/m/versions/1/prune${query}`, payload: body });

  it('answers 202 + Location; the done job serves the version the synchronous prune would have made', async () => {
    const args = { topk: 3, part: 'decoder-weight' };
    const accepted = await prune('?async=1', args);
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = accepted.json<JobJson>();
    expect(accepted.headers.location).toBe(`/api/jobs/${job.id}`);
    expect(job).toMatchObject({ kind: 'prune', model: 'm', version: 1 });

    const done = (await t.app.inject(`/api/jobs/${job.id}?wait=30`)).json<JobJson>();
    expect(done).toMatchObject({ state: 'done', progress: { fraction: 1 } });
    const viaJob = (await t.app.inject(`/api/jobs/${job.id}/result`)).json<PrunedVersion>();
    // The documented result schema of /api/jobs/{id}/result describes what is served.
    expect(schemaErrors(PruneResultSchema, viaJob)).toEqual([]);
    expect(schemaErrors(JobResultSchema, viaJob)).toEqual([]);
    expect(viaJob).toMatchObject({
      name: 'm',
      version: 2,
      operation: 'prune',
      parent: { name: 'm', version: 1 },
    });
    // The registry has the version the job reported.
    const stored = (await t.app.inject('/api/models/m/versions/2')).json<PrunedVersion>();
    expect(stored.files).toEqual(viaJob.files);

    // The synchronous route with the same arguments: same content, a new version number.
    const sync = await prune('', args);
    expect(sync.statusCode).toBe(201);
    const direct = sync.json<PrunedVersion>();
    expect(direct.version).toBe(3);
    expect(direct.files).toEqual(viaJob.files);
    expect(direct.prune).toEqual(viaJob.prune);
  });

  it('?async=1&wait= answers 200 with the new version; bad arguments fail the job with their 422', async () => {
    const waited = await prune('?async=1&wait=30', { topk: 2 });
    expect(waited.statusCode, waited.body).toBe(200);
    expect(waited.json<PrunedVersion>()).toMatchObject({ operation: 'prune', input_dim: 2 });

    const bad = await prune('?async=1&wait=30', { threshold: 1e30 });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'GRADIEND_ERR_PRUNE_ARGUMENT' });
    const job = (await t.app.inject(`/api/jobs/${bad.json<{ job: string }>().job}`)).json<JobJson>();
    expect(job).toMatchObject({ state: 'failed', error: { status: 422 } });
    const audit = await t.app.services.meta.listAudit({ action: 'job.start', limit: 10, offset: 0 });
    expect(audit.every((e) => e.model === 'm' && e.version === 1)).toBe(true);
  });
});
