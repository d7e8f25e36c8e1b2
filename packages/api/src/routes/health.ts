import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema } from '../schemas/system.js';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: answers while the process serves requests',
        response: { 200: HealthSchema },
      },
    },
    async () => ({ status: 'ok' as const, uptime_s: process.uptime(), auth: app.services.config.auth }),
  );
};

export default healthRoutes;
