import fs from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { versionJson } from '../registry/to-json.js';
import { Description, ModelParams, Tags, VersionParams, problems } from '../schemas/common.js';
import {
  DeletedVersionsSchema,
  DuplicateVersionSchema,
  VersionDetailSchema,
  VersionListSchema,
  VersionSchema,
} from '../schemas/registry.js';
import { RegistryService } from '../registry/registry-service.js';
import { receiveUpload } from '../upload/receive-upload.js';
import { EXTRACT_LIMITS, SharedByteBudget } from '../upload/extraction-budget.js';

/** A checkpoint folder has a handful of files; anything beyond this is not a checkpoint. */
export const MAX_UPLOAD_FILES = 32;

const versionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta, registry, config } = app.services;
  const extraction = new SharedByteBudget(EXTRACT_LIMITS.globalBytes);

  app.post(
    '/models/:name/versions',
    {
      config: { role: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Upload a checkpoint as a new version',
        description:
          'multipart/form-data with either repeatable `files` parts (filename = path inside the checkpoint folder) ' +
          'or one `archive` part (.tar, .tar.gz or .zip), plus optional `description` and comma-separated `tags`. ' +
          'The model is created on its first upload. Streamed to disk and validated with the core before commit. ' +
          'Files identical (names and SHA-256) to an existing version of the model answer 200 with that version and ' +
          '`duplicate: true` instead of storing a copy, unless `copy=true`.',
        consumes: ['multipart/form-data'],
        params: ModelParams,
        querystring: Type.Object({
          copy: Type.Boolean({
            default: false,
            description: 'Store a new version even when an existing one has the same files',
          }),
        }),
        response: {
          200: DuplicateVersionSchema,
          201: VersionSchema,
          ...problems(400, 401, 403, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const workDir = await registry.makeTempDir('upload');
      try {
        const upload = await receiveUpload(request, {
          workDir,
          maxBytes: config.maxUploadBytes,
          maxFiles: MAX_UPLOAD_FILES,
          extraction,
        });
        const existing = request.query.copy
          ? null
          : await registry.findIdenticalVersion(request.params.name, upload.files);
        if (existing) {
          app.metrics.uploadBytes.inc(upload.bytes);
          return reply
            .status(200)
            .header('location', `/api/models/${existing.model}/versions/${existing.version}`)
            .send({ ...versionJson(existing), duplicate: true as const });
        }
        const record = await registry.ingest(upload.dir, upload.files, {
          model: request.params.name,
          description: upload.description ?? '',
          tags: upload.tags ?? [],
          actor: request.principal.name,
          parentId: null,
          operation: 'upload',
          operationArgs: { source: upload.source, bytes: upload.bytes },
        });
        app.metrics.uploadBytes.inc(upload.bytes);
        request.log.info(
          { model: record.model, version: record.version, bytes: upload.bytes },
          'version uploaded',
        );
        return reply
          .status(201)
          .header('location', `/api/models/${record.model}/versions/${record.version}`)
          .send(versionJson(record));
      } finally {
        await fs.rm(workDir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/models/:name/versions',
    {
      config: { role: 'read' },
      schema: {
        tags: ['registry'],
        summary: "A model's versions, oldest first",
        params: ModelParams,
        response: { 200: VersionListSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      await registry.requireModel(request.params.name);
      return { items: (await meta.listVersions(request.params.name)).map(versionJson) };
    },
  );

  app.get(
    '/models/:name/versions/:ref',
    {
      config: { role: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'One version (by number, `latest` or alias), with the state of its analysis',
        params: VersionParams,
        response: {
          200: VersionDetailSchema,
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const record = await registry.resolve(request.params.name, request.params.ref);
      const key = RegistryService.contentKey(record.files);
      return { ...versionJson(record), analysis: app.services.analysis.partsOf(key) };
    },
  );

  app.patch(
    '/models/:name/versions/:ref',
    {
      config: { role: 'write' },
      schema: {
        tags: ['registry'],
        summary: "Change a version's description or tags (its files and metadata are immutable)",
        params: VersionParams,
        body: Type.Object(
          {
            description: Type.Optional(Description),
            tags: Type.Optional(Tags),
          },
          { additionalProperties: false },
        ),
        response: { 200: VersionSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const version = await registry.resolve(request.params.name, request.params.ref);
      const updated = await meta.updateVersion(
        version.model,
        version.version,
        request.body,
        request.principal.name,
      );
      registry.forgetVersion(version.model, version.version);
      if (!updated)
        throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `version ${request.params.ref} was deleted`);
      return versionJson(updated);
    },
  );

  app.delete(
    '/models/:name/versions/:ref',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['registry'],
        summary: 'Delete a version (409 while others derive from it, unless cascade=true)',
        params: VersionParams,
        querystring: Type.Object({ cascade: Type.Boolean({ default: false }) }),
        response: {
          200: DeletedVersionsSchema,
          ...problems(401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const result = await registry.deleteVersion(
        request.params.name,
        request.params.ref,
        request.query.cascade,
        request.principal.name,
      );
      return { deleted: [...result.deleted] };
    },
  );
};

export default versionRoutes;
