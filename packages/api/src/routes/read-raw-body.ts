import type { Readable } from 'node:stream';
import { ApiError } from '../errors/api-error.js';

/** Bytes allocated up front for a declared Content-Length; beyond this the buffer grows as data arrives. */
export const TRUSTED_PREALLOCATION = 16 * 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError('GRADIEND_ERR_REQUEST_TOO_LARGE', `request body exceeds ${limit} bytes`);
}

/**
 * Reads a raw float32 body into one fresh, 4-byte-aligned buffer: with a Content-Length the chunks
 * are copied straight to their place (no chunk list, no concat, no second copy into a
 * Float32Array), which matters at megabytes per request. `allocate` must hand out a buffer with
 * byteOffset 0 that nothing else uses (`Buffer.allocUnsafeSlow` is never pooled by Node), so a
 * Float32Array can view it in place.
 */
export async function readRawBody(
  payload: Readable,
  declared: number | undefined,
  limit: number,
  allocate: (size: number) => Buffer = Buffer.allocUnsafeSlow,
): Promise<Buffer> {
  try {
    return await read(payload, declared, limit, allocate);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // A client that goes away mid-body is a client problem, not a server failure.
    throw new ApiError(
      'GRADIEND_ERR_UPLOAD_ABORTED',
      `request body not received: ${(error as Error).message}`,
    );
  }
}

async function read(
  payload: Readable,
  declared: number | undefined,
  limit: number,
  allocate: (size: number) => Buffer,
): Promise<Buffer> {
  if (declared !== undefined && declared > limit) {
    payload.resume();
    throw tooLarge(limit);
  }
  if (declared === undefined) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
    const out = allocate(size);
    let at = 0;
    for (const c of chunks) at += c.copy(out, at);
    return out;
  }
  // A declared length is a claim, not bytes: past TRUSTED_PREALLOCATION the buffer grows with what
  // arrives (doubling, so at most one extra copy per byte), or a stalled client declaring 1 GiB
  // would hold 1 GiB for nothing.
  let out = allocate(Math.min(declared, TRUSTED_PREALLOCATION));
  let at = 0;
  for await (const chunk of payload) {
    const c = chunk as Buffer;
    if (at + c.length > declared) {
      throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `body is longer than Content-Length ${declared}`);
    }
    if (at + c.length > out.length) {
      const grown = allocate(Math.min(declared, Math.max(out.length * 2, at + c.length)));
      out.copy(grown, 0, 0, at);
      out = grown;
    }
    at += c.copy(out, at);
  }
  if (at !== declared) {
    throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `body ended after ${at} of ${declared} bytes`);
  }
  return out;
}
