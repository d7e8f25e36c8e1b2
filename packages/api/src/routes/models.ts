import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { modelJson, versionJson } from '../registry/to-json.js';
import { Description, Literals, ModelParams, Tag, Tags, problems } from '../schemas/common.js';
import {
  DeletedVersionsSchema,
  ModelDetailSchema,
  ModelListSchema,
  ModelSchema,
} from '../schemas/registry.js';
import { MODEL_SORTS } from '../schemas/vocabulary.js';

const SortQuery = Literals(MODEL_SORTS, { default: '-updated' });

const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta } = app.services;

  app.get(
    '/models',
    {
      config: { role: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'List models (search, filter by tag, sort, page)',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Substring of name or description' })),
          tag: Type.Optional(Tag),
          sort: SortQuery,
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: {
          200: ModelListSchema,
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { q, tag, sort, limit, offset } = request.query;
      const result = await meta.listModels({
        ...(q !== undefined ? { q } : {}),
        ...(tag !== undefined ? { tag } : {}),
        sort,
        limit,
        offset,
      });
      return { items: result.items.map(modelJson), total: result.total, limit, offset };
    },
  );

  app.get(
    '/models/:name',
    {
      config: { role: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'A model with its versions',
        params: ModelParams,
        response: { 200: ModelDetailSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const model = await meta.getModel(request.params.name);
      if (!model) throw new ApiError('GRADIEND_ERR_MODEL_NOT_FOUND', `no model named ${request.params.name}`);
      const versions = await meta.listVersions(model.name);
      return { ...modelJson(model), versions: versions.map(versionJson) };
    },
  );

  app.patch(
    '/models/:name',
    {
      config: { role: 'write' },
      schema: {
        tags: ['registry'],
        summary: "Change a model's description or tags",
        params: ModelParams,
        body: Type.Object(
          {
            description: Type.Optional(Description),
            tags: Type.Optional(Tags),
          },
          { additionalProperties: false },
        ),
        response: { 200: ModelSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const model = await meta.updateModel(request.params.name, request.body, request.principal.name);
      if (!model) throw new ApiError('GRADIEND_ERR_MODEL_NOT_FOUND', `no model named ${request.params.name}`);
      return modelJson(model);
    },
  );

  app.delete(
    '/models/:name',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['registry'],
        summary: 'Delete a model with all its versions (and the versions other models derived from them)',
        params: ModelParams,
        response: {
          200: DeletedVersionsSchema,
          ...problems(401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const deleted = await app.services.registry.deleteModel(request.params.name, request.principal.name);
      return { deleted };
    },
  );
};

export default modelRoutes;
