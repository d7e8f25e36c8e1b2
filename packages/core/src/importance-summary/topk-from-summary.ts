import { EXACT_TIE_EMULATION_LIMIT, selectTopK } from '../model/topk/select-top-k.js';
import { pickTop, sortByKeysDescending } from '../model/topk/keyed-lists.js';
import type { ScanOptions } from './exact-kept-kernels.js';
import { NAN_KEY } from './order-keys.js';
import { FINE_SHIFT, type ImportanceSummary } from './summary-types.js';
import { topKBoundary } from './summary-queries.js';

const CHUNK = 1 << 22;
// Module-local copies: under a CommonJS transform (tsx in worker threads) an imported constant is a
// getter call, which in the per-value loop costs several times the loop itself.
const NAN = NAN_KEY;
const SHIFT = FINE_SHIFT;

function orderKeyOf(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) return NAN;
  if ((b & 0x7fffffff) === 0) return 0x80000000;
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/**
 * `selectTopK(values, k, { sorted: true })` — the same indices in the same order — using the
 * summary of `values` for the boundary: the summary's fine bucket holding the k-th largest value
 * tells which values are certainly in (above that bucket) and which are candidates (in it), so one
 * pass collects both into arrays of known size and only the candidates are ranked. Ties at the
 * boundary go to the lowest indices (selectTopK's rule above EXACT_TIE_EMULATION_LIMIT; smaller
 * inputs run selectTopK itself, whose torch emulation breaks them). `k` is clamped to [0, length].
 */
export function topKFromSummary(
  values: Float32Array,
  summary: ImportanceSummary,
  k: number,
  options: ScanOptions = {},
): Int32Array {
  const n = values.length;
  if (summary.length !== n) throw new RangeError(`summary covers ${summary.length} values, got ${n}`);
  const want = Math.min(Math.max(Math.floor(k), 0), n);
  if (n <= EXACT_TIE_EMULATION_LIMIT || want === 0 || want === n) {
    return selectTopK(values, want, { sorted: true });
  }
  const boundary = topKBoundary(summary, want);
  const bucket = boundary.key >>> FINE_SHIFT;
  const out = new Int32Array(boundary.above);
  const outKeys = new Uint32Array(boundary.above);
  const cand = new Int32Array(boundary.inBucket);
  const candKeys = new Uint32Array(boundary.inBucket);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  let a = 0;
  let c = 0;
  for (let start = 0; start < n; start += CHUNK) {
    options.signal?.throwIfAborted();
    const end = Math.min(start + CHUNK, n);
    for (let i = start; i < end; i++) {
      const key = orderKeyOf(bits[i] as number);
      const b = key >>> SHIFT;
      if (b < bucket) continue;
      if (b > bucket) {
        out[a] = i;
        outKeys[a++] = key;
      } else {
        cand[c] = i;
        candKeys[c++] = key;
      }
    }
  }
  if (a !== boundary.above || c !== boundary.inBucket) {
    throw new RangeError('the summary does not describe these values');
  }
  // Above-bucket indices first, then the chosen candidates (both ascending): their keys never tie
  // across the two groups, so the stable sort ranks ties by lowest index exactly like selectTopK.
  const chosen = pickTop([{ indices: cand, keys: candKeys }], want - a);
  return sortByKeysDescending({ indices: out, keys: outKeys }, chosen);
}
