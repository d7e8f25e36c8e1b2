import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { problems } from '../schemas/common.js';
import { CreatedTokenSchema, NewTokenBodySchema, TokenListSchema, TokenName } from '../schemas/admin.js';

const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta } = app.services;

  app.get(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'List API tokens (never their secrets)',
        response: { 200: TokenListSchema, ...problems(401, 403) },
      },
    },
    async () => ({
      items: (await meta.listTokens()).map((t) => ({
        name: t.name,
        role: t.role,
        created_at: t.createdAt,
        created_by: t.createdBy,
        last_used_at: t.lastUsedAt,
        revoked_at: t.revokedAt,
      })),
    }),
  );

  app.post(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Create a token; the secret is returned once',
        body: NewTokenBodySchema,
        response: {
          201: CreatedTokenSchema,
          ...problems(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const token = generateToken();
      const record = await meta.createToken({
        name: request.body.name,
        role: request.body.role,
        tokenHash: hashToken(token),
        actor: request.principal.name,
      });
      return reply.status(201).send({ name: record.name, role: record.role, token });
    },
  );

  app.delete(
    '/tokens/:token_name',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke a token',
        params: Type.Object({ token_name: TokenName }),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (!(await meta.revokeToken(request.params.token_name, request.principal.name))) {
        throw new ApiError(
          'GRADIEND_ERR_TOKEN_NOT_FOUND',
          `no active token named ${request.params.token_name}`,
        );
      }
      return reply.status(204).send(null);
    },
  );
};

export default tokenRoutes;
