import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/api-error.js';
import { hashToken, roleAllows } from '../auth/tokens.js';
import type { Principal } from './services.js';

const ANONYMOUS: Principal = { name: 'anonymous', role: 'admin' };

/**
 * Bearer-token auth. A route declares the role it needs in `config.role`; with GRADIEND_AUTH=off
 * every caller acts as an anonymous admin, but a token that is sent is still checked and named in
 * the audit log.
 */
const authPlugin: FastifyPluginAsync = async (app) => {
  const { meta, config } = app.services;
  app.decorateRequest('principal', {
    getter(): Principal {
      return ANONYMOUS;
    },
  });

  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config.role;
    const header = request.headers.authorization;
    let principal: Principal | null = null;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1])
        throw new ApiError('GRADIEND_ERR_AUTH_INVALID', 'Authorization header must be "Bearer <token>"');
      const token = await meta.findTokenByHash(hashToken(match[1]));
      if (!token) throw new ApiError('GRADIEND_ERR_AUTH_INVALID', 'unknown or revoked token');
      principal = { name: token.name, role: token.role };
      void meta.touchToken(token.id);
    }
    if (principal) Object.defineProperty(request, 'principal', { value: principal });
    if (config.auth === 'off' || required === undefined) return;
    if (!principal)
      throw new ApiError('GRADIEND_ERR_AUTH_MISSING', `this route needs a token with role ${required}`);
    if (!roleAllows(principal.role, required)) {
      throw new ApiError(
        'GRADIEND_ERR_AUTH_FORBIDDEN',
        `token ${principal.name} has role ${principal.role}; this route needs ${required}`,
      );
    }
  });
};

export default fp(authPlugin, { name: 'gradiend-auth', dependencies: ['gradiend-services'] });
