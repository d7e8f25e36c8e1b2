import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { versionJson } from '../registry/to-json.js';
import { sha256File } from '../registry/sha256-file.js';
import { ModelName, PartQuery, VersionParams, problems } from '../schemas/common.js';
import { VersionSchema } from '../schemas/registry.js';
import type { FileRecord } from '../storage/metadata-store.js';
import type { PruneRequest } from '../workers/task-types.js';
import { TopkBody, toTopkSpec } from '../schemas/topk.js';
import { BODY_LIMITS } from '../ops/request-limits.js';
import { parsePruneBody } from './prune-body.js';

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
  param_map_hash: Type.String(),
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
  const { registry, tasks } = app.services;
  // Number literals decide what topk means (parsePruneBody); JSON.parse would lose them.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parsePruneBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

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
        body: PruneBody,
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
      bodyLimit: BODY_LIMITS.pruneJson,
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
        const names = (await fs.readdir(outDir)).sort();
        const files = [];
        for (const name of names) {
          const file = path.join(outDir, name);
          files.push({ name, path: file, ...(await sha256File(file)) });
        }
        const record = await registry.ingest(outDir, files, {
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
