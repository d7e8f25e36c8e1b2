import { EXACT_TIE_EMULATION_LIMIT, selectTopK } from '../model/topk/select-top-k.js';
import { NAN_KEY } from './order-keys.js';
import { FINE_SHIFT, type ImportanceSummary } from './summary-types.js';
import { topKBoundary } from './summary-queries.js';

/**
 * `signal.throwIfAborted()` runs between chunks so a superseded request stops working: an
 * AbortSignal, or anything with that method (a worker thread's view of its caller's signal).
 */
export interface ScanOptions {
  readonly signal?: { throwIfAborted(): void } | undefined;
}

const CHUNK = 1 << 22;
// Module-local copies: under a CommonJS transform (tsx in worker threads) an imported constant is a
// getter call, which in the per-value loops costs several times the loops themselves.
const NAN = NAN_KEY;
const SHIFT = FINE_SHIFT;

function orderKeyOf(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) return NAN;
  if ((b & 0x7fffffff) === 0) return 0x80000000;
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Segment lengths → counts per segment of the positions `take(i)` accepts, scanning in order. */
function countPerSegment(
  n: number,
  segments: readonly number[],
  take: (i: number) => boolean,
  options: ScanOptions,
): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const length of segments) {
    let count = 0;
    for (let start = offset; start < offset + length; start += CHUNK) {
      options.signal?.throwIfAborted();
      const end = Math.min(start + CHUNK, offset + length);
      for (let i = start; i < end; i++) if (take(i)) count++;
    }
    out.push(count);
    offset += length;
  }
  if (offset !== n) throw new RangeError(`segment lengths sum to ${offset}, expected ${n}`);
  return out;
}

/**
 * Per segment, how many values satisfy `v >= t` (prune's threshold rule), by a scan: a plain float
 * comparison, which orders ±0 as one value and never keeps NaN, like the order keys.
 */
export function keptPerSegmentByThresholdExact(
  values: Float32Array,
  segments: readonly number[],
  t: number,
  options: ScanOptions = {},
): number[] {
  if (Number.isNaN(t)) return segments.map(() => 0);
  const out: number[] = [];
  let offset = 0;
  for (const length of segments) {
    let count = 0;
    for (let start = offset; start < offset + length; start += CHUNK) {
      options.signal?.throwIfAborted();
      const end = Math.min(start + CHUNK, offset + length);
      for (let i = start; i < end; i++) if ((values[i] as number) >= t) count++;
    }
    out.push(count);
    offset += length;
  }
  if (offset !== values.length)
    throw new RangeError(`segment lengths sum to ${offset}, expected ${values.length}`);
  return out;
}

/**
 * Per segment, how many of the k largest values (torch's ranking, NaN first) it holds — exactly as
 * `selectTopK` chooses them: above EXACT_TIE_EMULATION_LIMIT its radix select keeps the tied values
 * at the boundary with the lowest indices, which two passes reproduce from the summary's boundary
 * bucket; smaller inputs run `selectTopK` itself (the torch emulation's tie order).
 */
export function keptPerSegmentByTopKExact(
  values: Float32Array,
  summary: ImportanceSummary,
  segments: readonly number[],
  k: number,
  options: ScanOptions = {},
): number[] {
  const n = values.length;
  if (n <= EXACT_TIE_EMULATION_LIMIT || k >= n) {
    const keep = selectTopK(values, Math.min(k, n), { sorted: false });
    const kept = new Uint8Array(n);
    for (let i = 0; i < keep.length; i++) kept[keep[i] as number] = 1;
    return countPerSegment(n, segments, (i) => kept[i] === 1, options);
  }
  const bits = bitsOf(values);
  const boundary = topKBoundary(summary, k);
  const bucket = boundary.key >>> FINE_SHIFT;
  // Pass 1: the low key bits inside the boundary bucket locate the k-th largest key exactly.
  const low = new Uint32Array(1 << FINE_SHIFT);
  for (let start = 0; start < n; start += CHUNK) {
    options.signal?.throwIfAborted();
    const end = Math.min(start + CHUNK, n);
    for (let i = start; i < end; i++) {
      const key = orderKeyOf(bits[i] as number);
      if (key >>> SHIFT === bucket) low[key & 0xffff]!++;
    }
  }
  let above = boundary.above;
  let kth = boundary.key;
  for (let b = low.length - 1; b >= 0; b--) {
    const c = low[b] as number;
    if (above + c >= k) {
      kth = (boundary.key | b) >>> 0;
      break;
    }
    above += c;
  }
  // Pass 2: everything above the k-th key, then the tied values at it by lowest index.
  let ties = k - above;
  return countPerSegment(
    n,
    segments,
    (i) => {
      const key = orderKeyOf(bits[i] as number);
      if (key > kth) return true;
      if (key === kth && ties > 0) {
        ties--;
        return true;
      }
      return false;
    },
    options,
  );
}
