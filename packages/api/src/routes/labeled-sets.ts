import fs from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { ModelParams, problems } from '../schemas/common.js';
import {
  LabeledSetDetailSchema,
  LabeledSetListQuery,
  LabeledSetListSchema,
  LabeledSetParams,
  LabeledSetSchema,
} from '../schemas/evaluation.js';
import {
  LABELED_SET_NAME_PATTERN,
  MAX_LABELED_SET_SAMPLES,
  VERSION_REF_PATTERN,
} from '../schemas/vocabulary.js';
import { receiveLabeledSet } from '../upload/receive-labeled-set.js';
import {
  LabeledSetService,
  labeledSetDetailJson,
  labeledSetJson,
} from '../evaluation/labeled-set-service.js';

const SET_NAME = new RegExp(LABELED_SET_NAME_PATTERN);
const VERSION_REF = new RegExp(VERSION_REF_PATTERN);

const labeledSetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta, registry, config } = app.services;
  const sets = new LabeledSetService(meta, registry);

  app.post(
    '/models/:name/labeled-sets',
    {
      config: { role: 'write' },
      schema: {
        tags: ['evaluation'],
        summary: 'Upload a labeled gradient set for a version and the versions pruned from it',
        description:
          'multipart/form-data: fields `name` (the set name), `version` (the root: number, `latest` or alias; default ' +
          'latest) and optional `description`; one `manifest` file (.json: an array of rows or {"rows": [...]}; .csv with ' +
          'a header) with columns file | row, label, type, source_id, target_id, data_split; and `gradients` files: ' +
          'one per-parameter safetensors per sample (keyed by base parameter names, `module.` tolerated, named as the ' +
          "manifest's `file`) or one batched [N, input_dim] safetensors in the root's input space (the manifest's `row`). " +
          'F32, F16 and BF16 are stored as given. The set serves the root and every version pruned from it.',
        consumes: ['multipart/form-data'],
        params: ModelParams,
        response: { 201: LabeledSetSchema, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      await registry.requireModel(request.params.name);
      const workDir = await registry.makeTempDir('labeled-set');
      try {
        const upload = await receiveLabeledSet(request, {
          workDir,
          maxBytes: config.maxUploadBytes,
          maxFiles: MAX_LABELED_SET_SAMPLES,
        });
        if (upload.name === undefined || !SET_NAME.test(upload.name))
          throw new ApiError(
            'GRADIEND_ERR_REQUEST_VALIDATION',
            `field name must be a lowercase slug (${LABELED_SET_NAME_PATTERN}), got ${JSON.stringify(upload.name ?? null)}`,
          );
        const ref = upload.version ?? 'latest';
        if (!VERSION_REF.test(ref))
          throw new ApiError(
            'GRADIEND_ERR_REQUEST_VALIDATION',
            `field version must be a version number, latest or an alias, got ${JSON.stringify(ref)}`,
          );
        const root = await registry.resolve(request.params.name, ref);
        const set = await sets.create({
          model: request.params.name,
          name: upload.name,
          description: upload.description ?? '',
          root,
          manifest: upload.manifest,
          gradients: upload.gradients,
          actor: request.principal.name,
        });
        app.metrics.uploadBytes.inc(upload.bytes);
        return reply
          .status(201)
          .header('location', `/api/models/${set.model}/labeled-sets/${set.name}`)
          .send(labeledSetJson(set));
      } finally {
        await fs.rm(workDir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/models/:name/labeled-sets',
    {
      config: { role: 'read' },
      schema: {
        tags: ['evaluation'],
        summary: "A model's labeled gradient sets, by name",
        params: ModelParams,
        querystring: LabeledSetListQuery,
        response: { 200: LabeledSetListSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      await registry.requireModel(request.params.name);
      let items = await meta.listLabeledSets(request.params.name);
      if (request.query.version !== undefined) {
        const version = await registry.resolve(request.params.name, request.query.version);
        const served = await Promise.all(items.map((s) => sets.serves(s, version)));
        items = items.filter((_, i) => served[i]);
      }
      return { items: items.map(labeledSetJson) };
    },
  );

  app.get(
    '/models/:name/labeled-sets/:set',
    {
      config: { role: 'read' },
      schema: {
        tags: ['evaluation'],
        summary: 'One labeled set with its samples (manifest rows)',
        params: LabeledSetParams,
        response: { 200: LabeledSetDetailSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => labeledSetDetailJson(await sets.require(request.params.name, request.params.set)),
  );

  app.delete(
    '/models/:name/labeled-sets/:set',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['evaluation'],
        summary: 'Delete a labeled set (its blobs go when nothing else uses them)',
        params: LabeledSetParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await sets.delete(request.params.name, request.params.set, request.principal.name);
      return reply.status(204).send(null);
    },
  );
};

export default labeledSetRoutes;
