import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemFor } from '../errors/problem.js';
import type { JobKind } from './job-kind.js';
import { JobSchema, JobWaitQuery, MAX_JOB_WAIT_S } from '../schemas/jobs.js';
import { jobHref, jobJson, jobResultHref } from './job-json.js';
import type { SubmitInput } from './job-service.js';
import { isFinished, type JobRecord } from './job-types.js';

export { JobWaitQuery, MAX_JOB_WAIT_S };

/** The 202 response to add to the route's response schemas. */
export const JobAcceptedResponse = { 202: JobSchema } as const;

/** An abort signal that fires when the client goes away, so `?wait=` stops blocking for nobody. */
export function closedSignal(reply: FastifyReply): { signal: AbortSignal; dispose(): void } {
  // The response's `close` (not the request's, which fires once the body is read) = socket gone.
  const controller = new AbortController();
  const onClose = (): void => controller.abort();
  reply.raw.once('close', onClose);
  return { signal: controller.signal, dispose: () => reply.raw.off('close', onClose) };
}

/**
 * Answers a request with a job's outcome: 200 with the stored result (its own content type) when
 * done, the job's problem+json when it failed, else 202 + `Location: /api/jobs/{id}` with the job.
 */
export async function sendJob(
  request: FastifyRequest,
  reply: FastifyReply,
  job: JobRecord,
): Promise<FastifyReply> {
  const jobs = request.server.services.jobs;
  reply.header('gradiend-job', job.id);
  if (job.state === 'done' && job.result) {
    return reply
      .status(200)
      .header('content-location', jobResultHref(job.id))
      .type(job.result.contentType)
      .send(await jobs.openResult(job));
  }
  if (job.state === 'failed' && job.error) {
    return reply
      .status(job.error.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...job.error, instance: jobHref(job.id), job: job.id });
  }
  if (job.state === 'cancelled') {
    const problem = problemFor(
      'GRADIEND_ERR_JOB_CANCELLED',
      `job ${job.id} was cancelled by ${job.cancelledBy ?? 'someone'}; submit it again to restart it`,
    );
    return reply
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem, instance: jobHref(job.id) });
  }
  return reply.status(202).header('location', jobHref(job.id)).header('retry-after', '1').send(jobJson(job));
}

/**
 * The route helper for long work: submits `kind` (joining an identical job on any instance), waits
 * up to `waitS` seconds, then answers as `sendJob` does.
 */
export async function replyWithJob<A, R>(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: JobKind<A, R>,
  input: SubmitInput<A>,
  options: { waitS?: number } = {},
): Promise<FastifyReply> {
  const jobs = request.server.services.jobs;
  let { job } = await jobs.submit(kind, input);
  const waitS = Math.min(options.waitS ?? 0, MAX_JOB_WAIT_S);
  if (!isFinished(job.state) && waitS > 0) {
    const closed = closedSignal(reply);
    try {
      job = (await jobs.waitFor(job.id, waitS * 1000, closed.signal)) ?? job;
    } finally {
      closed.dispose();
    }
  }
  return sendJob(request, reply, job);
}
