import cors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from './request-id.js';

/** CORS for the configured origins (`*` = any); registers nothing when the list is empty. */
const corsPlugin: FastifyPluginAsync<{ origins: readonly string[] }> = async (app, { origins }) => {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: origins.includes('*') ? true : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'accept', 'range', REQUEST_ID_HEADER],
    exposedHeaders: ['location', 'content-range', 'content-disposition', REQUEST_ID_HEADER, 'retry-after'],
    maxAge: 600,
  });
};

export default fp(corsPlugin, { name: 'gradiend-cors' });
