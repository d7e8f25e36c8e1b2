import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/api-error.js';
import { clientKey } from './client-key.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Write routes: routes needing the write or admin role, called with a changing method. Encode,
 * decode and prune previews are POSTs too, but read-only and meant for tight loops.
 */
function isWrite(request: FastifyRequest): boolean {
  const role = request.routeOptions.config.role;
  return WRITE_METHODS.has(request.method) && (role === 'write' || role === 'admin');
}

/** Encode, decode and prune previews: read-only POSTs that run a model. */
function isCompute(request: FastifyRequest): boolean {
  return request.method === 'POST' && request.routeOptions.config.role === 'read';
}

export interface RateLimitOptions {
  /** Write requests per client and minute; 0 = no limit. */
  readonly writesPerMinute: number;
  /** Compute requests per client and minute; 0 = no limit. */
  readonly computePerMinute: number;
}

/**
 * Per client and minute (in memory, per instance): at most `writesPerMinute` writes and
 * `computePerMinute` compute requests, in separate buckets. Keyed on the token's identity (or
 * the IP), so a team behind one NAT does not share a bucket and a re-spelled header is no new one.
 */
const rateLimitPlugin: FastifyPluginAsync<RateLimitOptions> = async (app, options) => {
  const limitOf = (request: FastifyRequest) =>
    isWrite(request) ? options.writesPerMinute : isCompute(request) ? options.computePerMinute : 0;
  if (options.writesPerMinute <= 0 && options.computePerMinute <= 0) return;
  await app.register(rateLimit, {
    global: true,
    // After the auth hook (onRequest), before the body is read.
    hook: 'preParsing',
    max: (request) => limitOf(request),
    timeWindow: 60_000,
    keyGenerator: (request) => `${clientKey(request)}:${isWrite(request) ? 'write' : 'compute'}`,
    allowList: (request) => limitOf(request) <= 0,
    // Thrown by the plugin, so the error handler turns it into problem+json like every other error.
    errorResponseBuilder: (request, context) =>
      new ApiError(
        'GRADIEND_ERR_RATE_LIMITED',
        `rate limit of ${context.max} ${isWrite(request) ? 'write' : 'encode/decode/preview'} requests per minute exceeded; retry in ${context.after}`,
      ),
  });
};

export default fp(rateLimitPlugin, { name: 'gradiend-rate-limit' });
