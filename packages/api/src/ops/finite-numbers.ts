import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/api-error.js';

function nonFinite(values: unknown): string | null {
  if (values === null || typeof values !== 'object') return null;
  for (const [key, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'number' && !Number.isFinite(v)) return key;
    }
  }
  return null;
}

/**
 * Ajv coerces the query strings `Infinity` and `-Infinity` to numbers that pass `integer` and skip
 * `minimum`/`maximum`; a number field of the query or path must be finite, so they stop here,
 * after validation (the coerced values) and before the handler.
 */
const finiteNumbersPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', async (request) => {
    const key = nonFinite(request.query) ?? nonFinite(request.params);
    if (key !== null) {
      throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `${key} must be a finite number`);
    }
  });
};

export default fp(finiteNumbersPlugin, { name: 'gradiend-finite-numbers' });
