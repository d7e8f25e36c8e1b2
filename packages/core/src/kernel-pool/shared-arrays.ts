import type { FloatArray } from '../model/types.js';

/** True when the array's memory is a SharedArrayBuffer (visible to the pool's workers without a copy). */
export function isShared(a: FloatArray): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/**
 * A zero-filled Float32Array (or Float64Array for 'float64') of `length` on a SharedArrayBuffer: use
 * it for inputs and `into` outputs of pooled calls, so the workers read and write it in place.
 */
export function sharedFloatArray(length: number, dtype: 'float32' | 'float64' = 'float32'): FloatArray {
  return dtype === 'float64'
    ? new Float64Array(new SharedArrayBuffer(length * 8))
    : new Float32Array(new SharedArrayBuffer(length * 4));
}

/** `a` itself when shared, else a shared copy. */
export function sharedCopy(a: FloatArray): FloatArray {
  if (isShared(a)) return a;
  const copy = sharedFloatArray(a.length, a instanceof Float64Array ? 'float64' : 'float32');
  copy.set(a);
  return copy;
}
