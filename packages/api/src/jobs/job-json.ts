import { Type, type Static } from '@sinclair/typebox';
import { ProblemSchema } from '../errors/problem.js';
import { JOB_STATES, type JobRecord } from './job-types.js';

export function jobHref(id: string): string {
  return `/api/jobs/${id}`;
}

export function jobResultHref(id: string): string {
  return `/api/jobs/${id}/result`;
}

export const JobSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    state: Type.Union(JOB_STATES.map((s) => Type.Literal(s))),
    model: Type.Union([Type.String(), Type.Null()]),
    version: Type.Union([Type.Integer(), Type.Null()]),
    progress: Type.Object({
      fraction: Type.Number({ minimum: 0, maximum: 1 }),
      message: Type.String({ description: 'What the job is doing now' }),
    }),
    attempts: Type.Integer({ description: 'Runs started (more than one when an instance died under it)' }),
    max_attempts: Type.Integer(),
    created_at: Type.String(),
    created_by: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
    updated_at: Type.String(),
    elapsed_ms: Type.Integer({ description: 'Since it started running (0 while queued), until it finished' }),
    cancelled_by: Type.Union([Type.String(), Type.Null()]),
    result: Type.Union([
      Type.Object({
        href: Type.String(),
        content_type: Type.String(),
        size: Type.Integer(),
        sha256: Type.String(),
      }),
      Type.Null(),
    ]),
    error: Type.Union([ProblemSchema, Type.Null()]),
    href: Type.String(),
  },
  { title: 'Job' },
);

export type JobJson = Static<typeof JobSchema>;

export function jobJson(job: JobRecord, now: number = Date.now()): JobJson {
  const start = job.startedAt ? Date.parse(job.startedAt) : null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    model: job.model,
    version: job.version,
    progress: { fraction: job.progress, message: job.message },
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    created_at: job.createdAt,
    created_by: job.createdBy,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    updated_at: job.updatedAt,
    elapsed_ms: start === null ? 0 : Math.max(0, Math.round(end - start)),
    cancelled_by: job.cancelledBy,
    result: job.result
      ? {
          href: jobResultHref(job.id),
          content_type: job.result.contentType,
          size: job.result.size,
          sha256: job.result.sha256,
        }
      : null,
    error: job.error,
    href: jobHref(job.id),
  };
}
