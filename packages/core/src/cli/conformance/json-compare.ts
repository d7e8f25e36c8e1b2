import type { Tolerance } from './compare.js';

/**
 * null when `actual` has the structure and keys of `expected` (object key order aside) and every
 * number is within the tolerance; else the path and nature of the first difference.
 */
export function compareJsonValues(
  actual: unknown,
  expected: unknown,
  tol: Tolerance,
  at = '$',
): string | null {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return `${at}: got ${JSON.stringify(actual)}, expected ${expected}`;
    if (Number.isNaN(expected) && Number.isNaN(actual)) return null;
    return Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected)
      ? null
      : `${at}: got ${actual}, expected ${expected}`;
  }
  if (expected === null || typeof expected !== 'object') {
    return actual === expected
      ? null
      : `${at}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: got ${JSON.stringify(actual)}, expected an array`;
    if (actual.length !== expected.length)
      return `${at}: ${actual.length} items, expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = compareJsonValues(actual[i], expected[i], tol, `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
    return `${at}: got ${JSON.stringify(actual)}, expected an object`;
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const missing = Object.keys(e).filter((k) => !(k in a));
  const extra = Object.keys(a).filter((k) => !(k in e) && a[k] !== undefined);
  if (missing.length || extra.length)
    return `${at}: keys differ (missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)})`;
  for (const k of Object.keys(e)) {
    const d = compareJsonValues(a[k], e[k], tol, `${at}.${k}`);
    if (d) return d;
  }
  return null;
}
