import { describe, expect, it } from 'vitest';
import { bf16ToFloat, halfToFloat } from './half.js';
import { countNonFinite } from './non-finite.js';

const everyBitPattern = () => Uint16Array.from({ length: 65536 }, (_, i) => i);
const countBy = (values: Iterable<number>) => [...values].filter((v) => !Number.isFinite(v)).length;

describe('countNonFinite', () => {
  it('F32 and F64: NaN and ±Inf count, finite extremes do not', () => {
    const values = [NaN, Infinity, -Infinity, 0, -0, 3.4e38, -3.4e38, 1e-45, 1.5, NaN];
    expect(countNonFinite('F32', Float32Array.from(values))).toBe(4);
    expect(countNonFinite('F64', Float64Array.from([...values, Number.MAX_VALUE, 5e-324]))).toBe(4);
  });

  it.each([
    ['F16', halfToFloat],
    ['BF16', bf16ToFloat],
  ] as const)('%s: agrees with decoding every bit pattern', (dtype, decode) => {
    const bits = everyBitPattern();
    expect(countNonFinite(dtype, bits)).toBe(countBy(Array.from(bits, decode)));
  });

  it('integer and boolean tensors hold no non-finite values', () => {
    expect(countNonFinite('I32', Int32Array.from([-1, 2 ** 31 - 1]))).toBe(0);
    expect(countNonFinite('BOOL', Uint8Array.from([0, 1, 255]))).toBe(0);
    expect(countNonFinite('I64', BigInt64Array.from([-1n]))).toBe(0);
  });
});
