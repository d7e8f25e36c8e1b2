import type { FastifyReply } from 'fastify';

/**
 * Aborts when the client goes away before the answer is sent (a superseded preview the dashboard
 * cancelled), so the work behind the request stops.
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
