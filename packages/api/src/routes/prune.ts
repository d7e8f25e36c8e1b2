import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { versionJson } from '../registry/to-json.js';
import { ModelName, PartQuery, VersionParams, problems } from '../schemas/common.js';
import { VersionSchema } from '../schemas/registry.js';
import type { FileRecord } from '../storage/metadata-store.js';
import type { PruneRequest } from '../workers/task-types.js';
import { TopkBody, toTopkSpec } from '../schemas/topk.js';
import { previewFromSummary } from '../analysis/summary-preview.js';
import { requestSignal } from './request-signal.js';

const PruneBody = Type.Object(
  {
    topk: Type.Optional(TopkBody),
    threshold: Type.Optional(Type.Number()),
    part: Type.Optional(PartQuery),
    mask: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 1 }), { description: 'one 0/1 per input dim' }),
    ),
    keep_idx: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
  },
  { additionalProperties: false },
);

const PrunePreviewSchema = Type.Object({
  input_dim: Type.Integer(),
  unpruned_length: Type.Integer(),
  previous_input_dim: Type.Integer(),
  param_map_hash: Type.Union([Type.String(), Type.Null()], {
    description:
      'The pruned param map hash; null for previews answered from the summary (it needs the exact positions)',
  }),
  method: Type.Optional(
    Type.Union([Type.Literal('summary'), Type.Literal('scan'), Type.Literal('prune')], {
      description:
        'How the preview was computed, all exact: summary bucket counts, a scan of the cached importance (the boundary fell inside a bucket), or an in-memory prune',
    }),
  ),
  stored_bytes_before: Type.Integer({ description: "Total size of the source version's stored files" }),
  stored_bytes_after: Type.Integer({
    description: 'Total size of the files the prune stores (weights, mapping files, JSON), computed exactly',
  }),
  params: Type.Array(
    Type.Object({
      name: Type.String(),
      numel: Type.Integer(),
      previous: Type.Integer(),
      kept: Type.Integer(),
    }),
  ),
});

function storedBytes(files: readonly FileRecord[]): number {
  return files.reduce((n, f) => n + f.size, 0);
}

function toRequest(body: Static<typeof PruneBody>): PruneRequest {
  const { target: _target, topk, ...rest } = body as Static<typeof PruneBody> & { target?: string };
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
  const { registry, tasks, analysis } = app.services;

  app.post(
    '/models/:name/versions/:ref/prune/preview',
    {
      config: { role: 'read' },
      schema: {
        tags: ['operations'],
        summary:
          'What a prune would keep (input_dim, kept per parameter, stored bytes before/after); nothing is stored',
        params: VersionParams,
        body: PruneBody,
        response: { 200: PrunePreviewSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const source = await registry.resolve(request.params.name, request.params.ref);
      const h = await registry.checkout(source);
      const pruneRequest = toRequest(request.body);
      const signal = requestSignal(reply);
      const fast = await previewFromSummary({ analysis, tasks }, source, h, pruneRequest, signal);
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
      schema: {
        tags: ['operations'],
        summary: 'Prune and store the result as a new version (of this model or of `target`) with lineage',
        params: VersionParams,
        body: Type.Composite([PruneBody, Type.Object({ target: Type.Optional(ModelName) })], {
          additionalProperties: false,
        }),
        response: {
          201: Type.Composite([VersionSchema, Type.Object({ prune: PrunePreviewSchema })]),
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const source = await registry.resolve(request.params.name, request.params.ref);
      const pruneRequest = toRequest(request.body);
      const target = (request.body as { target?: string }).target ?? source.model;
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
