import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors/api-error.js';
import { problems } from '../schemas/common.js';
import { JobResultSchema } from '../schemas/job-result.js';
import { JobListQuery, JobListSchema, JobParams, JobSchema, JobWaitQuery } from '../schemas/jobs.js';
import { jobJson } from '../jobs/job-json.js';
import { closedSignal, sendJob } from '../jobs/reply-with-job.js';
import { isFinished, type JobRecord } from '../jobs/job-types.js';
import { roleAllows } from '../auth/tokens.js';

const jobsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs } = app.services;

  async function found(id: string): Promise<JobRecord> {
    const job = await jobs.get(id);
    if (!job) throw new ApiError('GRADIEND_ERR_JOB_NOT_FOUND', `no job ${id}`);
    return job;
  }

  app.get(
    '/jobs',
    {
      config: { role: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'Recent jobs, newest first (the model page lists its own with ?model=)',
        querystring: JobListQuery,
        response: { 200: JobListSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { model, kind, state, limit } = request.query;
      const items = await jobs.list({
        ...(model !== undefined ? { model } : {}),
        ...(kind !== undefined ? { kind } : {}),
        ...(state !== undefined ? { state } : {}),
        limit,
      });
      const now = Date.now();
      return { items: items.map((job) => jobJson(job, now)) };
    },
  );

  app.get(
    '/jobs/:id',
    {
      config: { role: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'A job: state, progress, timings, result link or problem (?wait= blocks until it finishes)',
        params: JobParams,
        querystring: JobWaitQuery,
        response: { 200: JobSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      let job = await found(request.params.id);
      const waitS = request.query.wait ?? 0;
      if (!isFinished(job.state) && waitS > 0) {
        const closed = closedSignal(reply);
        try {
          job = (await jobs.waitFor(job.id, waitS * 1000, closed.signal)) ?? job;
        } finally {
          closed.dispose();
        }
      }
      return jobJson(job);
    },
  );

  app.get(
    '/jobs/:id/result',
    {
      config: { role: 'read' },
      schema: {
        tags: ['jobs'],
        summary: "A done job's result (stored in the blob store, served by any instance)",
        params: JobParams,
        response: { 200: JobResultSchema, 202: JobSchema, ...problems(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const job = await found(request.params.id);
      return sendJob(request, reply, job);
    },
  );

  app.delete(
    '/jobs/:id',
    {
      // Whoever started a job may cancel it; anybody else needs the write role.
      config: { role: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a queued or running job (the worker stops at its next chunk)',
        params: JobParams,
        response: { 200: JobSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const job = await found(request.params.id);
      const principal = request.principal;
      if (job.createdBy !== principal.name && !roleAllows(principal.role, 'write')) {
        throw new ApiError(
          'GRADIEND_ERR_AUTH_FORBIDDEN',
          'only its creator or a write token may cancel a job',
        );
      }
      if (isFinished(job.state)) {
        throw new ApiError('GRADIEND_ERR_JOB_FINISHED', `job ${job.id} is already ${job.state}`);
      }
      const cancelled = await jobs.cancel(job.id, principal.name);
      if (!cancelled) throw new ApiError('GRADIEND_ERR_JOB_NOT_FOUND', `no job ${job.id}`);
      if (cancelled.state !== 'cancelled') {
        throw new ApiError('GRADIEND_ERR_JOB_FINISHED', `job ${job.id} is already ${cancelled.state}`);
      }
      return jobJson(cancelled);
    },
  );
};

export default jobsRoutes;
