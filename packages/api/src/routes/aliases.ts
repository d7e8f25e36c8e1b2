import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { ALIAS_PATTERN, ModelName, problems } from '../schemas/common.js';
import { AliasSchema } from '../schemas/registry.js';

const AliasParams = Type.Object({
  name: ModelName,
  alias: Type.String({ pattern: ALIAS_PATTERN, description: 'Alias name (not `latest`, which is built in)' }),
});

function refuseLatest(alias: string): void {
  if (alias === 'latest') {
    throw new ApiError(
      'GRADIEND_ERR_ALIAS_RESERVED',
      '`latest` always names the newest version and cannot be moved',
    );
  }
}

const aliasRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta, registry } = app.services;

  app.put(
    '/models/:name/aliases/:alias',
    {
      config: { role: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Point an alias (e.g. champion) at a version',
        params: AliasParams,
        body: Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: {
          200: AliasSchema,
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { name, alias } = request.params;
      refuseLatest(alias);
      await registry.requireModel(name);
      await meta.setAlias(name, alias, request.body.version, request.principal.name);
      return { name, alias, version: request.body.version };
    },
  );

  app.delete(
    '/models/:name/aliases/:alias',
    {
      config: { role: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Remove an alias',
        params: AliasParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { name, alias } = request.params;
      refuseLatest(alias);
      await registry.requireModel(name);
      if (!(await meta.deleteAlias(name, alias, request.principal.name))) {
        throw new ApiError('GRADIEND_ERR_ALIAS_NOT_FOUND', `model ${name} has no alias ${alias}`);
      }
      return reply.status(204).send(null);
    },
  );
};

export default aliasRoutes;
