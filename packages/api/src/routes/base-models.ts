import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { baseModelJson } from '../base-models/base-model-service.js';
import type { BaseModelPart } from '../base-models/base-model-service.js';
import { problems } from '../schemas/common.js';
import { BaseModelId, BaseModelListSchema, BaseModelSchema } from '../schemas/rewrite.js';
import { writeHashedFile } from '../storage/write-hashed-file.js';

const RAW = 'application/octet-stream';
const PART_PATHS: Record<string, BaseModelPart> = { weights: 'weights', onnx: 'onnx', 'test-set': 'testSet' };

const baseModelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, blobs, baseModels, config } = app.services;
  // Uploads stream to a temp file (hashed on the way), never into memory.
  app.addContentTypeParser(RAW, (_request, payload, done) => done(null, payload));

  /** Streams the request body into a temp file, enforcing the upload limit. */
  async function receive(body: unknown, name: string): Promise<{ dir: string; file: string }> {
    const dir = await registry.makeTempDir('base-upload');
    const file = path.join(dir, name);
    let total = 0;
    try {
      await writeHashedFile(body as Readable, file, (n) => {
        total += n;
        if (total > config.maxUploadBytes) {
          throw new ApiError(
            'GRADIEND_ERR_UPLOAD_TOO_LARGE',
            `upload exceeds ${config.maxUploadBytes} bytes`,
          );
        }
      });
      if (total === 0) throw new ApiError('GRADIEND_ERR_UPLOAD_EMPTY', 'the request body is empty');
      return { dir, file };
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  app.get(
    '/base-models',
    {
      config: { role: 'read' },
      schema: {
        tags: ['base models'],
        summary: 'Base models (newest first), optionally only those with one name',
        querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: BaseModelListSchema, ...problems(401, 403) },
      },
    },
    async (request) => ({
      items: (await app.services.meta.listBaseModels(request.query.name)).map(baseModelJson),
    }),
  );

  app.post(
    '/base-models',
    {
      config: { role: 'write' },
      schema: {
        tags: ['base models'],
        summary:
          'Upload base model weights (one safetensors file as application/octet-stream); content-addressed: the same weights give the same id',
        querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 201: BaseModelSchema, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { dir, file } = await receive(request.body, 'model.safetensors');
      try {
        const record = await baseModels.register({
          name: request.query.name,
          weights: file,
          actor: request.principal.name,
        });
        return reply
          .status(201)
          .header('location', `/api/base-models/${record.sha256}`)
          .send(baseModelJson(record));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.put(
    '/base-models/:id/:part',
    {
      config: { role: 'write' },
      schema: {
        tags: ['base models'],
        summary:
          "Attach the base model's ONNX graph (part `onnx`) or labeled test set (part `test-set`, safetensors with inputs/pixels and labels)",
        params: Type.Object({
          id: BaseModelId,
          part: Type.Union([Type.Literal('onnx'), Type.Literal('test-set')]),
        }),
        response: { 200: BaseModelSchema, ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request) => {
      const record = await baseModels.get(request.params.id);
      const { dir, file } = await receive(request.body, request.params.part);
      try {
        const weights = path.join(dir, 'weights');
        await blobs.materialize(record.sha256, weights);
        const updated = await baseModels.register({
          name: record.name,
          weights,
          ...(request.params.part === 'onnx' ? { onnx: file } : { testSet: file }),
          lineage: record.lineage,
          actor: request.principal.name,
        });
        return baseModelJson(updated);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/base-models/:id',
    {
      config: { role: 'read' },
      schema: {
        tags: ['base models'],
        summary: 'One base model with its lineage',
        params: Type.Object({ id: BaseModelId }),
        response: { 200: BaseModelSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => baseModelJson(await baseModels.get(request.params.id)),
  );

  app.get(
    '/base-models/:id/:part',
    {
      config: { role: 'read' },
      schema: {
        tags: ['base models'],
        summary: 'Download the weights, ONNX graph or test set (streamed)',
        params: Type.Object({
          id: BaseModelId,
          part: Type.Union([Type.Literal('weights'), Type.Literal('onnx'), Type.Literal('test-set')]),
        }),
        response: { ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const record = await baseModels.get(request.params.id);
      const part = PART_PATHS[request.params.part] as BaseModelPart;
      const blob = baseModels.partSha(record, part);
      const file =
        part === 'onnx' ? 'model.onnx' : part === 'testSet' ? 'test-set.safetensors' : 'model.safetensors';
      return reply
        .type(RAW)
        .header('content-length', blob.size)
        .header('etag', `"${blob.sha256}"`)
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(await blobs.createReadStream(blob.sha256));
    },
  );
};

export default baseModelRoutes;
