import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { replyWithJob } from '../jobs/reply-with-job.js';
import { defineJobKind, type JobKind } from '../jobs/job-kind.js';

export interface CountArgs {
  /** Steps to count. */
  readonly to: number;
  /** Milliseconds per step. */
  readonly stepMs: number;
  /** Fail with GRADIEND_ERR_PRUNE_ARGUMENT (422) when reaching this step. */
  readonly failAt?: number;
  /** Anything, to make distinct keys. */
  readonly tag?: string;
}

export interface CountResult {
  readonly counted: number;
  /** The process that computed it (multi-instance tests tell instances apart by it). */
  readonly pid: number;
  readonly attempt: number;
  readonly tag: string | null;
}

export const COUNTING_KIND = 'test-count';

/**
 * A test-only job kind: counts `to` steps of `stepMs`, reporting progress each step and stopping
 * at the step after a cancel. `runs` records every start in this process (one entry per run).
 */
export function createCountingJobKind(): { kind: JobKind<CountArgs, CountResult>; runs: string[] } {
  const runs: string[] = [];
  const kind = defineJobKind<CountArgs, CountResult>({
    name: COUNTING_KIND,
    async run(args, { signal, progress, job }) {
      runs.push(job.id);
      for (let i = 0; i < args.to; i++) {
        if (args.failAt === i) throw new ApiError('GRADIEND_ERR_PRUNE_ARGUMENT', `told to fail at step ${i}`);
        await sleep(args.stepMs, undefined, { signal });
        progress((i + 1) / args.to, `counted ${i + 1} of ${args.to}`);
      }
      return { counted: args.to, pid: process.pid, attempt: job.attempt, tag: args.tag ?? null };
    },
  });
  return { kind, runs };
}

/** `POST /api/test/count` (body: CountArgs, `?wait=`): the counting kind through `replyWithJob`. */
export function countingRoutes(kind: JobKind<CountArgs, CountResult>): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: CountArgs; Querystring: { wait?: number; model?: string } }>(
      '/api/test/count',
      {
        schema: {
          querystring: Type.Object({
            wait: Type.Optional(Type.Number()),
            model: Type.Optional(Type.String()),
          }),
        },
      },
      async (request, reply) =>
        replyWithJob(
          request,
          reply,
          kind,
          { args: request.body, actor: request.principal.name, model: request.query.model ?? null },
          { waitS: request.query.wait ?? 0 },
        ),
    );
  };
}
