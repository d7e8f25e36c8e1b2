import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/api-error.js';
import { clientKey } from './client-key.js';

export interface BodyGuardOptions {
  /** A body that sends nothing for this long is answered 408. */
  readonly idleTimeoutMs: number;
  /** A body not complete after this long is answered 408. */
  readonly requestTimeoutMs: number;
  /** Requests with a body one client may have in flight; 0 = no limit. */
  readonly maxInFlightPerClient: number;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Guards request bodies, the part of a request a client controls the pace of: a body that stalls
 * or trickles is answered 408 and its stream destroyed (so uploads clean up), and one client may
 * hold only so many open bodies. Runs in preParsing — after routing and auth, before any byte of
 * the body is read.
 */
const bodyGuardPlugin: FastifyPluginAsync<BodyGuardOptions> = async (app, options) => {
  const inFlight = new Map<string, number>();

  const timeout = (request: FastifyRequest, reply: FastifyReply, why: string) => {
    if (request.raw.complete) return;
    request.log.info({ why }, 'request body timed out');
    const destroy = () => request.raw.destroy();
    if (reply.sent) {
      destroy();
      return;
    }
    reply.raw.once('finish', destroy);
    void reply.send(new ApiError('GRADIEND_ERR_REQUEST_TIMEOUT', `request body ${why}`));
  };

  app.addHook('preParsing', async (request, reply, payload) => {
    if (!hasBody(request)) return payload;
    const key = clientKey(request);
    const max = options.maxInFlightPerClient;
    const count = inFlight.get(key) ?? 0;
    if (max > 0 && count >= max) {
      throw new ApiError(
        'GRADIEND_ERR_TOO_MANY_REQUESTS',
        `at most ${max} requests with a body may be in flight per client; wait for one to finish`,
      );
    }
    inFlight.set(key, count + 1);

    const socket = request.raw.socket as typeof request.raw.socket | undefined;
    const onIdle = () => timeout(request, reply, `sent nothing for ${options.idleTimeoutMs / 1000} s`);
    const total = setTimeout(
      () => timeout(request, reply, `not complete after ${options.requestTimeoutMs / 1000} s`),
      options.requestTimeoutMs,
    );
    // Node asks the request first when its socket times out while the body is incomplete.
    if (typeof socket?.setTimeout === 'function') {
      socket.setTimeout(options.idleTimeoutMs);
      request.raw.on('timeout', onIdle);
    }
    const bodyDone = () => {
      clearTimeout(total);
      request.raw.off('timeout', onIdle);
      // Once the body is in, computing the answer may take as long as it takes.
      if (typeof socket?.setTimeout === 'function' && !socket.destroyed) socket.setTimeout(0);
    };
    request.raw.once('end', bodyDone);
    reply.raw.once('close', () => {
      bodyDone();
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    });
    return payload;
  });
};

export default fp(bodyGuardPlugin, { name: 'gradiend-body-guard', dependencies: ['gradiend-auth'] });
