import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/api-error.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Write routes: routes needing the write or admin role, called with a changing method. Encode,
 * decode and prune previews are POSTs too, but read-only and meant for tight loops.
 */
function isWrite(request: FastifyRequest): boolean {
  const role = request.routeOptions.config.role;
  return WRITE_METHODS.has(request.method) && (role === 'write' || role === 'admin');
}

/** Per token (or per IP without one), so a team behind one NAT does not share a bucket. */
function clientKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return `t:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`;
  return `ip:${request.ip}`;
}

/** At most `perMinute` write requests per client and minute (in memory, per instance); 0 = off. */
const rateLimitPlugin: FastifyPluginAsync<{ perMinute: number }> = async (app, { perMinute }) => {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: clientKey,
    allowList: (request) => !isWrite(request),
    // Thrown by the plugin, so the error handler turns it into problem+json like every other error.
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'GRADIEND_ERR_RATE_LIMITED',
        `rate limit of ${context.max} write requests per minute exceeded; retry in ${context.after}`,
      ),
  });
};

export default fp(rateLimitPlugin, { name: 'gradiend-rate-limit' });
