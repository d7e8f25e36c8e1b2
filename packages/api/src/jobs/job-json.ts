import { JobSchema, type Job } from '../schemas/jobs.js';
import type { JobRecord } from './job-types.js';

export { JobSchema };

export function jobHref(id: string): string {
  return `/api/jobs/${id}`;
}

export function jobResultHref(id: string): string {
  return `/api/jobs/${id}/result`;
}

export type JobJson = Job;

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
