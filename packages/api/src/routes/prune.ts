import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors/api-error.js';
import { versionJson } from '../registry/to-json.js';
import { VersionParams, problems } from '../schemas/common.js';
import {
  PruneBodySchema,
  PrunePreviewSchema,
  PruneQuerySchema,
  PruneResultSchema,
  PruneWithTargetBodySchema,
  type PruneResult,
  type PruneWithTargetBody,
} from '../schemas/prune.js';
import type { FileRecord } from '../storage/metadata-store.js';
import type { PruneRequest } from '../workers/task-types.js';
import { toTopkSpec } from '../schemas/topk.js';
import { BODY_LIMITS } from '../ops/request-limits.js';
import { parsePruneBody } from './prune-body.js';
import { previewFromSummary, type SummaryPreview } from '../analysis/summary-preview.js';
import { FinishedValues } from '../analysis/result-cache.js';
import { requestSignal } from './request-signal.js';
import type { VersionRecord } from '../storage/metadata-store.js';
import { RegistryService } from '../registry/registry-service.js';
import { defineJobKind } from '../jobs/job-kind.js';
import { jobKey } from '../jobs/job-key.js';
import { JobAcceptedResponse, replyWithJob } from '../jobs/reply-with-job.js';

function storedBytes(files: readonly FileRecord[]): number {
  return files.reduce((n, f) => n + f.size, 0);
}

function toRequest(body: PruneWithTargetBody): PruneRequest {
  const { target: _target, topk, ...rest } = body;
  if (topk === undefined && Object.keys(rest).every((k) => k === 'part')) {
    throw new ApiError(
      'GRADIEND_ERR_PRUNE_ARGUMENT',
      'give at least one of topk, threshold, mask or keep_idx',
    );
  }
  return { ...rest, ...(topk !== undefined ? { topk: toTopkSpec(topk) } : {}) };
}

/** Lineage keeps scalar arguments (topk as {count} | {fraction}); masks and index lists are summarised. */
function lineageArgs(request: PruneRequest): Record<string, unknown> {
  const { mask, keep_idx, ...scalars } = request;
  return {
    ...scalars,
    part: request.part ?? 'decoder-weight',
    ...(mask ? { mask: { length: mask.length, selected: mask.filter((m) => m !== 0).length } } : {}),
    ...(keep_idx ? { keep_idx: { count: keep_idx.length } } : {}),
  };
}

/** What a prune job needs to run on any instance. */
interface PruneJobArgs {
  readonly model: string;
  readonly version: number;
  readonly request: PruneRequest;
  readonly target: string;
}

const PRUNE_JOB = 'prune';

const pruneRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks, analysis, jobs } = app.services;
  // Finished previews from the cached analysis, by content and request (a slider revisits values).
  const previews = new FinishedValues<SummaryPreview>(256);
  // Number literals decide what topk means (parsePruneBody); JSON.parse would lose them.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parsePruneBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  /** Prunes `source` and stores the result as a new version; the body of the 201 answer. */
  /**
   * Runs `read` over the source's files. A delete of the source that wins the race removes its
   * checkout and blobs under the reader's feet; that failure is the 404 of a deleted version, not a 500.
   */
  async function readingSource<T>(source: VersionRecord, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) throw error;
      const current = await registry.resolve(source.model, String(source.version)).catch(() => null);
      if (current?.id !== source.id) {
        throw new ApiError(
          'GRADIEND_ERR_VERSION_NOT_FOUND',
          `${source.model}@${source.version} was deleted while it was being pruned`,
        );
      }
      throw error;
    }
  }

  async function pruneAndStore(
    source: VersionRecord,
    pruneRequest: PruneRequest,
    target: string,
    actor: string,
    progress: (fraction: number, what: string) => void = () => undefined,
    signal?: AbortSignal,
  ) {
    progress(0, `checking out ${source.model}@${source.version}`);
    const workDir = await registry.makeTempDir('prune');
    try {
      const outDir = path.join(workDir, 'checkpoint');
      const result = await readingSource(source, async () => {
        const h = await registry.checkout(source);
        signal?.throwIfAborted();
        progress(0.2, 'pruning');
        return tasks.run('prune', { ...h, request: pruneRequest, outDir }, [], { signal });
      });
      // Last point to stop: after this the new version is committed.
      signal?.throwIfAborted();
      progress(0.8, 'storing the new version');
      // The task hashed the files while writing them and summarised the model it wrote.
      const files = result.files.map((f) => ({ ...f, path: path.join(outDir, f.name) }));
      const record = await registry.commit(files, result.summary, {
        model: target,
        description: `pruned from ${source.model}@${source.version}`,
        tags: [],
        actor,
        parentId: source.id,
        operation: 'prune',
        operationArgs: lineageArgs(pruneRequest),
      });
      const body: PruneResult = {
        ...versionJson(record),
        prune: {
          ...result.preview,
          stored_bytes_before: storedBytes(source.files),
          stored_bytes_after: storedBytes(record.files),
        },
      };
      return { record, body };
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * `POST …/prune?async=1`: the same prune as a job. Not reused once done: the version it made may
   * be deleted, so a repeated request prunes again (as the synchronous route does).
   */
  const pruneJob = defineJobKind<PruneJobArgs, PruneResult>({
    name: PRUNE_JOB,
    reuseDone: false,
    async run(args, { signal, progress, job }) {
      const source = await registry.resolve(args.model, String(args.version));
      const { body } = await pruneAndStore(source, args.request, args.target, job.actor, progress, signal);
      return body;
    },
  });
  jobs.register(pruneJob);

  app.post(
    '/models/:name/versions/:ref/prune/preview',
    {
      config: { role: 'read' },
      bodyLimit: BODY_LIMITS.pruneJson,
      schema: {
        tags: ['operations'],
        summary:
          'What a prune would keep (input_dim, kept per parameter, stored bytes before/after); nothing is stored',
        params: VersionParams,
        body: PruneBodySchema,
        response: { 200: PrunePreviewSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const source = await registry.resolve(request.params.name, request.params.ref);
      const h = await registry.checkout(source);
      const pruneRequest = toRequest(request.body);
      const signal = requestSignal(reply);
      // Masks and index lists always take the full prune (and would make long keys).
      const scalar = pruneRequest.mask === undefined && pruneRequest.keep_idx === undefined;
      const previewKey = scalar ? JSON.stringify([h.key, pruneRequest]) : null;
      let fast = previewKey === null ? null : (previews.get(previewKey) ?? null);
      if (!fast) {
        fast = await previewFromSummary({ analysis, tasks }, source, h, pruneRequest, signal);
        if (fast && previewKey !== null) previews.set(previewKey, fast);
      }
      if (fast) {
        const input = fast.kept.reduce((a, b) => a + b, 0);
        return {
          input_dim: input,
          unpruned_length: source.summary.unpruned_length,
          previous_input_dim: source.summary.input_dim,
          // Keeping everything leaves the map as it is; otherwise the hash needs the exact positions.
          param_map_hash: input === source.summary.input_dim ? source.summary.param_map_hash : null,
          method: fast.method,
          stored_bytes_before: storedBytes(source.files),
          stored_bytes_after: fast.storedBytesAfter,
          params: source.summary.param_map.map((p, i) => ({
            name: p.name,
            numel: p.numel,
            previous: p.num_selected,
            kept: fast.kept[i] ?? 0,
          })),
        };
      }
      const { preview, storedBytesAfter } = await tasks.run(
        'prunePreview',
        { ...h, request: pruneRequest },
        [],
        {
          signal,
        },
      );
      return {
        ...preview,
        method: 'prune' as const,
        stored_bytes_before: storedBytes(source.files),
        stored_bytes_after: storedBytesAfter,
      };
    },
  );

  app.post(
    '/models/:name/versions/:ref/prune',
    {
      config: { role: 'write' },
      bodyLimit: BODY_LIMITS.pruneJson,
      schema: {
        tags: ['operations'],
        summary: 'Prune and store the result as a new version (of this model or of `target`) with lineage',
        params: VersionParams,
        body: PruneWithTargetBodySchema,
        querystring: PruneQuerySchema,
        response: {
          201: PruneResultSchema,
          200: PruneResultSchema,
          ...JobAcceptedResponse,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const source = await registry.resolve(request.params.name, request.params.ref);
      const pruneRequest = toRequest(request.body);
      const target = request.body.target ?? source.model;
      const actor = request.principal.name;
      if (request.query.async === '1' || request.query.async === 'true') {
        // The job resolves the version again by number on whichever instance runs it; the key
        // names its content, so a deleted and re-uploaded version number never joins an old prune.
        const args: PruneJobArgs = {
          model: source.model,
          version: source.version,
          request: pruneRequest,
          target,
        };
        return replyWithJob(
          request,
          reply,
          pruneJob,
          {
            args,
            key: jobKey(PRUNE_JOB, {
              files: RegistryService.contentKey(source.files),
              request: pruneRequest,
              target,
            }),
            actor,
            model: source.model,
            version: source.version,
          },
          { waitS: request.query.wait ?? 0 },
        );
      }
      const { record, body } = await pruneAndStore(source, pruneRequest, target, actor);
      return reply
        .status(201)
        .header('location', `/api/models/${record.model}/versions/${record.version}`)
        .send(body);
    },
  );
};

export default pruneRoutes;
