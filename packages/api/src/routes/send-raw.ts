import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends bytes or text past the route's JSON response schema (which documents the JSON variant):
 * the typed reply only accepts the schema's shape, the plain one accepts anything.
 */
export function sendRaw(
  reply: FastifyReply,
  contentType: string,
  body: Uint8Array | string | Readable,
): FastifyReply {
  const payload =
    typeof body === 'string' || body instanceof Readable
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return reply.type(contentType).send(payload);
}
