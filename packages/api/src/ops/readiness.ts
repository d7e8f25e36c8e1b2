import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { problems } from '../schemas/common.js';

const CHECK_TIMEOUT_MS = 3_000;

async function check(probe: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness: 200 when the metadata database and the blob store answer, else 503 problem+json. */
const readinessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta, blobs } = app.services;
  app.get(
    '/ready',
    {
      logLevel: 'warn',
      schema: {
        tags: ['system'],
        summary: 'Readiness: the metadata database and the blob store are reachable',
        response: {
          200: Type.Object({
            status: Type.Literal('ready'),
            checks: Type.Object({ database: Type.String(), blobs: Type.String() }),
          }),
          ...problems(503),
        },
      },
    },
    async () => {
      const [database, blobStore] = await Promise.all([check(() => meta.ping()), check(() => blobs.ping())]);
      const checks = { database, blobs: blobStore };
      if (database !== 'ok' || blobStore !== 'ok') {
        throw new ApiError(
          'GRADIEND_ERR_NOT_READY',
          `not ready: database ${database}; blob store ${blobStore}`,
          { checks },
        );
      }
      return { status: 'ready' as const, checks };
    },
  );
};

export default readinessRoutes;
