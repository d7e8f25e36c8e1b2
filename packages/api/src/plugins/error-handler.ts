import { STATUS_CODES } from 'node:http';
import os from 'node:os';
import { redactPaths } from '../errors/redact-paths.js';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PROBLEM_CONTENT_TYPE, problemFor, toKnownProblem, type Problem } from '../errors/problem.js';
import type { ErrorCode } from '../errors/error-codes.js';

const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GRADIEND_ERR_REQUEST_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GRADIEND_ERR_REQUEST_VALIDATION',
  FST_ERR_CTP_BODY_TOO_LARGE: 'GRADIEND_ERR_REQUEST_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'GRADIEND_ERR_UPLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'GRADIEND_ERR_UPLOAD_TOO_MANY_FILES',
  FST_FILES_LIMIT: 'GRADIEND_ERR_UPLOAD_TOO_MANY_FILES',
  FST_FIELDS_LIMIT: 'GRADIEND_ERR_UPLOAD_FIELD',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'GRADIEND_ERR_REQUEST_MEDIA_TYPE',
};

/**
 * An answer sent before the request body has arrived in full closes the connection: the rest of
 * the body is never read (let alone parsed), and the socket cannot carry another request.
 */
function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (!reply.request.raw.complete) reply.header('connection', 'close');
  // A problem that says when to come back (e.g. GRADIEND_ERR_SERVER_BUSY) says it in HTTP too.
  if (typeof problem.retry_after === 'number') reply.header('retry-after', String(problem.retry_after));
  const roots = [reply.server.services.config.dataDir, os.tmpdir(), process.cwd()];
  const detail = redactPaths(problem.detail, roots);
  const file = typeof problem.file === 'string' ? { file: redactPaths(problem.file, roots) } : {};
  return reply
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, detail, ...file });
}

function notFound(request: FastifyRequest): Problem {
  return {
    ...problemFor('GRADIEND_ERR_ROUTE_NOT_FOUND', `No route ${request.method} ${request.url}`),
    instance: request.url,
  };
}

function passThrough(error: FastifyError, status: number): Problem {
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return problemFor(mapped, error.message);
  if (error.validation) return problemFor('GRADIEND_ERR_REQUEST_VALIDATION', error.message);
  if (status === 413) return problemFor('GRADIEND_ERR_REQUEST_TOO_LARGE', error.message);
  if (status === 415) return problemFor('GRADIEND_ERR_REQUEST_MEDIA_TYPE', error.message);
  if (status === 400) return problemFor('GRADIEND_ERR_REQUEST_VALIDATION', error.message);
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: error.message,
    code: error.code ?? 'GRADIEND_ERR_REQUEST',
  };
}

/**
 * Errors fastify's router raises before any route or hook runs (a malformed percent-encoding, a
 * path segment past maxParamLength): `frameworkErrors` of the fastify options.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path segment of the URL is too long'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL holds a malformed percent-encoding'
        : error.message;
  const problem = problemFor('GRADIEND_ERR_REQUEST_VALIDATION', detail);
  void sendProblem(reply, { ...problem, instance: request.url });
}

/**
 * Root error handler: known API/core errors and client errors (< 500) become problem+json with
 * their own message; anything else is logged and masked as a 500.
 */
const errorHandlerPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toKnownProblem(error);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, 'request failed');
      // The catch-all for core failures (a task's RangeError / TypeError among them) may also be a
      // server bug, so its stack goes to the log even though the client gets a 422.
      else if (known.code === 'GRADIEND_ERR_CORE') request.log.warn({ err: error }, 'model operation failed');
      return sendProblem(reply, { ...known, instance: request.url });
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500) return sendProblem(reply, { ...passThrough(error, status), instance: request.url });
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, {
      ...problemFor('GRADIEND_ERR_INTERNAL', 'The server could not complete the request.'),
      instance: request.url,
    });
  });

  // Unknown routes are answered at once: fastify would otherwise read and parse their body first.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return sendProblem(reply, notFound(request));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, notFound(request)));
};

export default fp(errorHandlerPlugin, { name: 'gradiend-error-handler' });
