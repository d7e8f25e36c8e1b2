import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors/api-error.js';
import { versionJson } from '../registry/to-json.js';
import { VersionParams, problems } from '../schemas/common.js';
import {
  PruneBodySchema,
  PrunePreviewSchema,
  PruneResultSchema,
  PruneWithTargetBodySchema,
  type PruneWithTargetBody,
} from '../schemas/prune.js';
import type { FileRecord } from '../storage/metadata-store.js';
import type { PruneRequest } from '../workers/task-types.js';
import { toTopkSpec } from '../schemas/topk.js';

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

const pruneRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks } = app.services;

  app.post(
    '/models/:name/versions/:ref/prune/preview',
    {
      config: { role: 'read' },
      schema: {
        tags: ['operations'],
        summary:
          'What a prune would keep (input_dim, kept per parameter, stored bytes before/after); nothing is stored',
        params: VersionParams,
        body: PruneBodySchema,
        response: { 200: PrunePreviewSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const source = await registry.resolve(request.params.name, request.params.ref);
      const h = await registry.checkout(source);
      const { preview, storedBytesAfter } = await tasks.run('prunePreview', {
        ...h,
        request: toRequest(request.body),
      });
      return {
        ...preview,
        stored_bytes_before: storedBytes(source.files),
        stored_bytes_after: storedBytesAfter,
      };
    },
  );

  app.post(
    '/models/:name/versions/:ref/prune',
    {
      config: { role: 'write' },
      schema: {
        tags: ['operations'],
        summary: 'Prune and store the result as a new version (of this model or of `target`) with lineage',
        params: VersionParams,
        body: PruneWithTargetBodySchema,
        response: {
          201: PruneResultSchema,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const source = await registry.resolve(request.params.name, request.params.ref);
      const pruneRequest = toRequest(request.body);
      const target = request.body.target ?? source.model;
      const h = await registry.checkout(source);
      const workDir = await registry.makeTempDir('prune');
      try {
        const outDir = path.join(workDir, 'checkpoint');
        const result = await tasks.run('prune', { ...h, request: pruneRequest, outDir });
        // The task hashed the files while writing them and summarised the model it wrote.
        const files = result.files.map((f) => ({ ...f, path: path.join(outDir, f.name) }));
        const record = await registry.commit(files, result.summary, {
          model: target,
          description: `pruned from ${source.model}@${source.version}`,
          tags: [],
          actor: request.principal.name,
          parentId: source.id,
          operation: 'prune',
          operationArgs: lineageArgs(pruneRequest),
        });
        return reply
          .status(201)
          .header('location', `/api/models/${record.model}/versions/${record.version}`)
          .send({
            ...versionJson(record),
            prune: {
              ...result.preview,
              stored_bytes_before: storedBytes(source.files),
              stored_bytes_after: storedBytes(record.files),
            },
          });
      } finally {
        await fs.rm(workDir, { recursive: true, force: true });
      }
    },
  );
};

export default pruneRoutes;
