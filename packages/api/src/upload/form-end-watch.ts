import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors/api-error.js';

/** The `boundary` parameter of a multipart/form-data Content-Type, or null when it has none. */
export function multipartBoundary(contentType: string | undefined): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2] ?? null;
}

export interface FormEndWatch {
  /** True once the body ended without the closing delimiter. */
  readonly cutShort: boolean;
}

/**
 * Watches the raw bytes of a multipart body (alongside the parser, without consuming them) for
 * the closing delimiter `--boundary--`. A body that ends without one was cut, even when its
 * Content-Length is honest: the parser then either waits forever for the rest of a file or takes
 * the truncation as a normal end, so `onCutShort` is told (before the parser sees the end).
 * Must be called before the parser starts reading.
 */
export function watchFormEnd(raw: IncomingMessage, boundary: string, onCutShort: () => void): FormEndWatch {
  const delimiter = Buffer.from(`\r\n--${boundary}--`);
  // The first delimiter may open the body, with no CRLF before it.
  let carry = Buffer.from('\r\n');
  let closed = false;
  let cutShort = false;
  const onData = (chunk: Buffer) => {
    if (closed) return;
    const straddle = Buffer.concat([carry, chunk.subarray(0, delimiter.length - 1)]);
    if (straddle.includes(delimiter) || chunk.includes(delimiter)) {
      closed = true;
      raw.off('data', onData);
      return;
    }
    const joined = chunk.length >= delimiter.length - 1 ? chunk : Buffer.concat([carry, chunk]);
    carry = Buffer.from(joined.subarray(Math.max(0, joined.length - (delimiter.length - 1))));
  };
  raw.on('data', onData);
  raw.once('end', () => {
    if (closed) return;
    cutShort = true;
    onCutShort();
  });
  return {
    get cutShort() {
      return cutShort;
    },
  };
}

export function formCutShort(): ApiError {
  return new ApiError(
    'GRADIEND_ERR_UPLOAD_ABORTED',
    'the multipart body ended before its closing boundary; nothing was stored',
  );
}
