import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/api-error.js';

/** The JSON number grammar: what a numeric query value may look like (no `0x10`, ` 5`, `1_0`). */
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const checks = new WeakMap<object, TypeCheck<TSchema>>();
const numericKeys = new WeakMap<object, readonly string[]>();

function isNumeric(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const s = schema as { type?: unknown; anyOf?: unknown[] };
  return s.type === 'number' || s.type === 'integer' || (s.anyOf ?? []).some(isNumeric);
}

function checkFor(schema: TSchema): TypeCheck<TSchema> {
  let check = checks.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    checks.set(schema, check);
  }
  return check;
}

function numericQueryKeys(schema: { properties?: Record<string, unknown> }): readonly string[] {
  let keys = numericKeys.get(schema);
  if (!keys) {
    keys = Object.entries(schema.properties ?? {})
      .filter(([, s]) => isNumeric(s))
      .map(([k]) => k);
    numericKeys.set(schema, keys);
  }
  return keys;
}

/**
 * Ajv coerces (fastify's `coerceTypes`, needed for query strings): it would take `true` or `[5]`
 * for 1 and 5, `"1"` for the integer 1 and `null` for 0. Before it runs, JSON bodies are checked
 * against their route's TypeBox schema exactly as written, and numeric query values must be
 * decimal numbers.
 */
const strictTypesPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    const body = schema?.body as TSchema | undefined;
    if (body && Kind in body && request.body !== undefined && !Buffer.isBuffer(request.body)) {
      const check = checkFor(body);
      if (!check.Check(request.body)) {
        const first = check.Errors(request.body).First();
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          `body${first?.path ? first.path.replaceAll('/', '.') : ''} ${first?.message.toLowerCase() ?? 'does not match the schema'}`,
        );
      }
    }
    const query = schema?.querystring as { properties?: Record<string, unknown> } | undefined;
    if (query && request.query && typeof request.query === 'object') {
      const raw = request.query as Record<string, unknown>;
      for (const key of numericQueryKeys(query)) {
        const value = raw[key];
        // Non-numeric strings are left to the schema (a union may also take a string like "1%").
        if (
          typeof value === 'string' &&
          value.trim() !== '' &&
          !Number.isNaN(Number(value)) &&
          !DECIMAL.test(value)
        ) {
          throw new ApiError(
            'GRADIEND_ERR_REQUEST_VALIDATION',
            `${key} must be a decimal number, got ${JSON.stringify(value)}`,
          );
        }
        if (typeof value === 'string' && value !== value.trim()) {
          throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `${key} must not hold spaces`);
        }
      }
    }
  });
};

export default fp(strictTypesPlugin, { name: 'gradiend-strict-types' });
