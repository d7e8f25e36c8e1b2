import { Type, type Static } from '@sinclair/typebox';
import { ProblemSchema } from '../errors/problem.js';
import { Literals, ModelName } from './common.js';
import { JOB_STATES } from './vocabulary.js';

/** The longest `?wait=` a request may block for, in seconds. */
export const MAX_JOB_WAIT_S = 60;

export const JobStateSchema = Literals(JOB_STATES);

export const JobSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    state: JobStateSchema,
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
export type Job = Static<typeof JobSchema>;

export const JobListSchema = Type.Object({ items: Type.Array(JobSchema) }, { title: 'JobList' });
export type JobList = Static<typeof JobListSchema>;

export const JobParams = Type.Object({
  id: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'Job id' }),
});

export const JobListQuery = Type.Object({
  model: Type.Optional(ModelName),
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(JobStateSchema),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

/** `?wait=` for routes that answer with a job; compose it into the route's querystring. */
export const JobWaitQuery = Type.Object({
  wait: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: MAX_JOB_WAIT_S,
      description: 'Seconds to wait for the job to finish before answering 202 (default 0)',
    }),
  ),
});
