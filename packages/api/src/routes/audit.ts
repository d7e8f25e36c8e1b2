import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ModelName, problems } from '../schemas/common.js';
import { AuditListSchema } from '../schemas/registry.js';

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Audit log, newest first',
        querystring: Type.Object({
          model: Type.Optional(ModelName),
          action: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: AuditListSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { model, action, limit, offset } = request.query;
      const items = await app.services.meta.listAudit({
        ...(model !== undefined ? { model } : {}),
        ...(action !== undefined ? { action } : {}),
        limit,
        offset,
      });
      return { items: items.map((e) => ({ ...e, details: { ...e.details } })) };
    },
  );
};

export default auditRoutes;
