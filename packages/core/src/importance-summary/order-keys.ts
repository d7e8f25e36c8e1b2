/**
 * float32 ↔ order key (the ranking order of float-order-keys.ts: NaN highest, -0 = +0), for values
 * that are not read from a Float32Array's bits.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const NAN_KEY = 0xffffffff;

/** The order key of `value` rounded to float32. */
export function orderKey(value: number): number {
  f32[0] = value;
  const b = u32[0] as number;
  if ((b & 0x7fffffff) > 0x7f800000) return NAN_KEY;
  if ((b & 0x7fffffff) === 0) return 0x80000000;
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/** The float32 value of a key (0x80000000 → +0; keys above +inf's → NaN). */
export function keyValue(key: number): number {
  u32[0] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  return f32[0] as number;
}

/** The key of the smallest float32 ≥ `t` (comparisons `v >= t` of float32 v and any t agree). */
export function ceilKey(t: number): number {
  const key = orderKey(t);
  if (key === NAN_KEY) return key;
  return Math.fround(t) < t ? key + 1 : key;
}
