import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { baseModelJson, uploadedWeights } from '../base-models/base-model-service.js';
import type { BaseModelPart } from '../base-models/base-model-service.js';
import { problems } from '../schemas/common.js';
import { BaseModelId, BaseModelListSchema, BaseModelSchema } from '../schemas/rewrite.js';
import { writeHashedFile } from '../storage/write-hashed-file.js';
import { receiveUpload } from '../upload/receive-upload.js';
import { EXTRACT_LIMITS, SharedByteBudget } from '../upload/extraction-budget.js';

/** A Hugging Face base folder: shards, their index, config and tokenizer files. */
const MAX_BASE_MODEL_FILES = 256;

const RAW = 'application/octet-stream';
const PART_PATHS: Record<string, BaseModelPart> = { weights: 'weights', onnx: 'onnx', 'test-set': 'testSet' };

const baseModelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, blobs, baseModels, config } = app.services;
  // Uploads stream to a temp file (hashed on the way), never into memory.
  app.addContentTypeParser(RAW, (_request, payload, done) => done(null, payload));
  const extraction = new SharedByteBudget(EXTRACT_LIMITS.globalBytes);

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
          'Upload base model weights: one safetensors file as application/octet-stream, or a folder of Hugging Face shards with model.safetensors.index.json as multipart/form-data (repeatable `files`, or one `archive`: .tar.gz/.tgz/.zip), like a checkpoint folder. Content-addressed: the same weights give the same id',
        querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 201: BaseModelSchema, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const register = (weights: string) =>
        baseModels.register({ name: request.query.name, weights, actor: request.principal.name });
      let record;
      if (request.isMultipart()) {
        // A folder of Hugging Face shards (files or one archive), received like a checkpoint folder.
        const workDir = await registry.makeTempDir('base-upload');
        try {
          const upload = await receiveUpload(request, {
            workDir,
            maxBytes: config.maxUploadBytes,
            maxFiles: MAX_BASE_MODEL_FILES,
            extraction,
          });
          record = await register(
            uploadedWeights(
              upload.dir,
              upload.files.map((f) => f.name),
            ),
          );
        } finally {
          await fs.rm(workDir, { recursive: true, force: true });
        }
      } else {
        const { dir, file } = await receive(request.body, 'model.safetensors');
        try {
          record = await register(file);
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      }
      return reply
        .status(201)
        .header('location', `/api/base-models/${record.sha256}`)
        .send(baseModelJson(record));
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
      const current = await baseModels.materialize(record, ['weights']).catch(async (error: unknown) => {
        await fs.rm(dir, { recursive: true, force: true });
        throw error;
      });
      try {
        const updated = await baseModels.register({
          name: record.name,
          weights: current.files.weights,
          ...(request.params.part === 'onnx' ? { onnx: file } : { testSet: file }),
          lineage: record.lineage,
          actor: request.principal.name,
        });
        return baseModelJson(updated);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
        await fs.rm(current.dir, { recursive: true, force: true });
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

  app.get(
    '/base-models/:id/files/:file',
    {
      config: { role: 'read' },
      schema: {
        tags: ['base models'],
        summary: 'Download one file of a sharded base model (a shard, the index, config.json …), streamed',
        params: Type.Object({ id: BaseModelId, file: Type.String({ minLength: 1, maxLength: 255 }) }),
        response: { ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const record = await baseModels.get(request.params.id);
      const file = baseModels.file(record, request.params.file);
      return reply
        .type(RAW)
        .header('content-length', file.size)
        .header('etag', `"${file.sha256}"`)
        .header('content-disposition', `attachment; filename="${file.name.replace(/["\\]/g, '_')}"`)
        .send(await blobs.createReadStream(file.sha256));
    },
  );
};

export default baseModelRoutes;
