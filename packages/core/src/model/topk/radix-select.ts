import type { FloatArray } from '../types.js';
import { keyReader } from './float-order-keys.js';
import { bucketHoldingRank } from './radix-histogram.js';
import { radixTopKFloat32, sortIndicesDescendingFloat32 } from './radix-select-f32.js';

/**
 * O(n) top-k by a two-level radix histogram over order keys: find the k-th largest key, take
 * everything above it, then fill up with entries equal to it in index order. For float64 data the
 * entries that share the boundary key are ranked by their exact values.
 */
export function radixTopK(values: FloatArray, k: number): Int32Array {
  if (values instanceof Float32Array) return radixTopKFloat32(values, k);
  const n = values.length;
  const key = keyReader(values);
  const hi = new Float64Array(65536);
  for (let i = 0; i < n; i++) hi[key(i) >>> 16] = (hi[key(i) >>> 16] as number) + 1;
  const [hiBucket, aboveHi] = bucketHoldingRank(hi, k);

  const lo = new Float64Array(65536);
  for (let i = 0; i < n; i++) {
    const kk = key(i);
    if (kk >>> 16 === hiBucket) lo[kk & 0xffff] = (lo[kk & 0xffff] as number) + 1;
  }
  const [loBucket, aboveLo] = bucketHoldingRank(lo, k - aboveHi);
  const threshold = ((hiBucket << 16) | loBucket) >>> 0;
  let needEqual = k - aboveHi - aboveLo;

  const out = new Int32Array(k);
  let w = 0;
  const ties: number[] = [];
  for (let i = 0; i < n; i++) {
    const kk = key(i);
    if (kk > threshold) out[w++] = i;
    else if (kk === threshold) ties.push(i);
  }
  if (!(values instanceof Float32Array)) {
    // Float32 rounding may merge distinct float64 values: rank the boundary group exactly.
    ties.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  }
  for (const i of ties) {
    if (needEqual-- <= 0) break;
    out[w++] = i;
  }
  out.subarray(0, w).sort();
  return out;
}

/** Sorts indices by descending value (ties by ascending index) with an LSD radix sort on order keys. */
export function sortIndicesDescending(indices: Int32Array, values: FloatArray): void {
  if (values instanceof Float32Array) return sortIndicesDescendingFloat32(indices, values);
  const n = indices.length;
  const key = keyReader(values);
  let src: Int32Array = indices;
  let dst: Int32Array = new Int32Array(n);
  for (const shift of [0, 16]) {
    const count = new Float64Array(65537);
    for (let i = 0; i < n; i++) {
      const b = 0xffff - ((key(src[i] as number) >>> shift) & 0xffff) + 1;
      count[b] = (count[b] as number) + 1;
    }
    for (let b = 1; b < count.length; b++) count[b] = (count[b] as number) + (count[b - 1] as number);
    for (let i = 0; i < n; i++) {
      const ix = src[i] as number;
      const b = 0xffff - ((key(ix) >>> shift) & 0xffff);
      dst[count[b] as number] = ix;
      count[b] = (count[b] as number) + 1;
    }
    [src, dst] = [dst, src];
  }
  if (!(values instanceof Float32Array)) refineEqualKeyRuns(src, values, key);
  if (src !== indices) indices.set(src);
}

function refineEqualKeyRuns(sorted: Int32Array, values: FloatArray, key: (i: number) => number): void {
  let start = 0;
  while (start < sorted.length) {
    let end = start + 1;
    const k0 = key(sorted[start] as number);
    while (end < sorted.length && key(sorted[end] as number) === k0) end++;
    if (end - start > 1) {
      const run = Array.from(sorted.subarray(start, end));
      run.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
      sorted.set(run, start);
    }
    start = end;
  }
}
