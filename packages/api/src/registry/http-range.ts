import { ApiError } from '../errors/api-error.js';
import type { ByteRange } from '../storage/blob-store.js';

/** Parses a single-range `Range: bytes=…` header; null means "send everything". */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, a = '', b = ''] = match;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!(start <= end) || start >= size) {
    throw new ApiError('GRADIEND_ERR_RANGE_NOT_SATISFIABLE', `range ${header} is outside 0-${size - 1}`);
  }
  return { start, end };
}
