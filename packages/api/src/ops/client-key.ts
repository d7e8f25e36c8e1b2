import type { FastifyRequest } from 'fastify';

/**
 * Who a request counts against for rate and concurrency limits: the token it authenticated with
 * (by token name, so `Bearer x`, `bearer  x` and `BEARER x ` are one client), or its IP when it
 * sent none. Valid only after the auth hook (onRequest), so limits run in preParsing.
 */
export function clientKey(request: FastifyRequest): string {
  // The auth plugin defines `principal` on the request itself only for a valid token.
  return Object.hasOwn(request, 'principal') ? `t:${request.principal.name}` : `ip:${request.ip}`;
}
