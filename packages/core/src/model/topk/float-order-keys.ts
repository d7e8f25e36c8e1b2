import type { FloatArray } from '../types.js';

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/**
 * Maps a float32 bit pattern to an unsigned key whose integer order is torch's ranking order:
 * all NaNs above +inf, -0 equal to +0.
 */
export function orderKeyFromBits(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return 0xffffffff;
  if (bits === 0x80000000) return 0x80000000;
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/** Order keys are exact for float32 data; float64 data is keyed by its float32 rounding (monotonic). */
export function keyReader(values: FloatArray): (i: number) => number {
  if (values instanceof Float32Array) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    return (i) => orderKeyFromBits(bits[i] as number);
  }
  return (i) => {
    scratchF32[0] = values[i] as number;
    return orderKeyFromBits(scratchU32[0] as number);
  };
}
