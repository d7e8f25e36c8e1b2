import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { ApiError } from '../errors/api-error.js';
import { formCutShort, multipartBoundary, watchFormEnd, type FormEndWatch } from './form-end-watch.js';
import { ByteBudget, writeHashed } from './hashed-write.js';
import type { BlobInfo } from '../storage/blob-store.js';

/** One streamed multipart upload: its byte budget and the guard every file part is written through. */
export interface MultipartSession {
  readonly budget: ByteBudget;
  readonly watch: FormEndWatch;
  /** Streams a file part to `target`, hashing it and charging the budget. */
  write(file: Readable, target: string): Promise<BlobInfo>;
  /** Throws when the body was cut short (the parser takes a cut between parts for a normal end). */
  checkEnd(): void;
}

/**
 * Checks that the request is multipart within `maxBytes` and watches its end, so a part being
 * written is destroyed when the body turns out cut (its write fails instead of waiting for bytes
 * that never come). Shared by version and labeled-set uploads.
 */
export function openMultipart(request: FastifyRequest, maxBytes: number): MultipartSession {
  if (!request.isMultipart()) {
    throw new ApiError(
      'GRADIEND_ERR_REQUEST_MEDIA_TYPE',
      `upload must be multipart/form-data, got ${request.headers['content-type'] ?? 'no content type'}`,
    );
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + 1024 * 1024) {
    throw new ApiError(
      'GRADIEND_ERR_UPLOAD_TOO_LARGE',
      `upload of ${declared} bytes exceeds the limit of ${maxBytes}`,
      {
        limit: maxBytes,
      },
    );
  }
  const boundary = multipartBoundary(request.headers['content-type']);
  if (boundary === null) {
    throw new ApiError(
      'GRADIEND_ERR_REQUEST_MEDIA_TYPE',
      'multipart/form-data needs a boundary parameter (Content-Type: multipart/form-data; boundary=…)',
    );
  }
  let current: Readable | null = null;
  const watch = watchFormEnd(request.raw, boundary, () => current?.destroy(formCutShort()));
  const budget = new ByteBudget(maxBytes);
  return {
    budget,
    watch,
    async write(file, target) {
      // The body may end before the caller reaches a part the parser already handed out. A part
      // the parser already destroyed would never settle its write (pipeline waits for a 'close'
      // that has passed), so it is refused here.
      if (watch.cutShort) throw formCutShort();
      if (file.destroyed) {
        throw new ApiError('GRADIEND_ERR_UPLOAD_ABORTED', 'the upload ended while a file was arriving');
      }
      current = file;
      try {
        return await writeHashed(file, target, budget);
      } finally {
        current = null;
      }
    },
    checkEnd() {
      if (watch.cutShort) throw formCutShort();
    },
  };
}
