import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: answers while the process serves requests',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), uptime_s: Type.Number(), auth: Type.String() }),
        },
      },
    },
    async () => ({ status: 'ok' as const, uptime_s: process.uptime(), auth: app.services.config.auth }),
  );
};

export default healthRoutes;
