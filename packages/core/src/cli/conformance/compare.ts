/** Tolerances for comparing our floats with the reference's (different summation order, dtype rounding). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export const TOLERANCES: Record<string, Tolerance> = {
  float32: { rtol: 1e-4, atol: 1e-6 },
  float64: { rtol: 1e-4, atol: 1e-9 },
  float16: { rtol: 1e-3, atol: 1e-4 },
  bfloat16: { rtol: 1e-2, atol: 1e-3 },
};

/**
 * null when every |a − e| ≤ atol + rtol·|e| (+ slack[i] when given: an uncertainty the expected
 * value inherits element by element), else a description of the worst mismatch.
 */
export function closeTo(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  slack?: ArrayLike<number>,
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ expected ${expected.length}`;
  if (slack && slack.length !== expected.length)
    throw new RangeError(`slack has ${slack.length} values, expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e) + (slack ? (slack[i] as number) : 0));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst < 0) return null;
  return `at [${worst}] got ${actual[worst]}, expected ${expected[worst]}`;
}

/** null when equal element by element. */
export function sameValues(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) return `at [${i}] got ${actual[i]}, expected ${expected[i]}`;
  }
  return null;
}

export function sameBytes(actual: Uint8Array, expected: Uint8Array): string | null {
  if (actual.length !== expected.length) return `${actual.length} bytes ≠ expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++)
    if (actual[i] !== expected[i]) return `first difference at byte ${i}`;
  return null;
}
