import { describe, expect, it } from 'vitest';
import { Float32LiteralReader } from './float32-literal.js';

const FLT_MAX = 3.4028234663852886e38;

/**
 * The definition: the correctly rounded double, rounded to float32 (what JSON.parse into a
 * Float32Array gives); NaN past the float32 range.
 */
const exact = (literal: string) => {
  const value = Number(literal);
  return Math.abs(value) <= FLT_MAX ? Math.fround(value) : NaN;
};

function read(literal: string): { value: number | undefined; end: number; exactReads: number } {
  const reader = new Float32LiteralReader(new Uint8Array(Buffer.from(`${literal},`)));
  const value = reader.read(0);
  return { value, end: reader.end, exactReads: reader.exactReads };
}

/** Deterministic xorshift doubles in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const nextUp = (f: number) => {
  f32[0] = f;
  u32[0] = (u32[0] ?? 0) + 1;
  return f32[0] ?? 0;
};

/** Checks every literal against the definition; returns how many the fast path decided. */
function check(literals: readonly string[]): number {
  let fast = 0;
  const wrong: string[] = [];
  for (const literal of literals) {
    const { value, end, exactReads } = read(literal);
    if (exactReads === 0) fast++;
    if (!Object.is(value, exact(literal)) || end !== literal.length) {
      wrong.push(`${literal} → ${value} (exact ${exact(literal)}), end ${end}`);
    }
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  return fast;
}

describe('Float32LiteralReader', () => {
  it('reads the shortest round-trip text of random doubles across the float32 range', () => {
    const next = random(7);
    const literals = Array.from({ length: 60_000 }, () => {
      const magnitude = 10 ** (next() * 84 - 46);
      return JSON.stringify((next() < 0.5 ? -1 : 1) * next() * magnitude);
    });
    // Every value is exact, and the fast path decides nearly all of them (else it is no fast path).
    expect(check(literals)).toBeGreaterThan(literals.length * 0.99);
  });

  it('reads the text of float32 values as clients print them', () => {
    const next = random(11);
    const values = Array.from({ length: 15_000 }, () =>
      Math.fround((next() - 0.5) * 10 ** (next() * 12 - 8)),
    );
    const literals = values.flatMap((v) => [String(v), v.toPrecision(9), v.toExponential(7), v.toFixed(12)]);
    expect(check(literals)).toBeGreaterThan(literals.length * 0.99);
  });

  it('is exact at and near the midpoint between two float32 neighbours', () => {
    const next = random(13);
    const literals: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const low = Math.fround(10 ** (next() * 76 - 38));
      const mid = (low + nextUp(low)) / 2;
      const ulp = nextUp(low) - low;
      for (const x of [mid, mid + ulp * 1e-9, mid - ulp * 1e-9, mid + ulp * 1e-15, mid - ulp * 1e-15]) {
        literals.push(x.toPrecision(17), x.toPrecision(21), x.toExponential(16));
      }
    }
    check(literals);
  });

  it('handles zeros, subnormals, the float32 limits and long digit strings', () => {
    const literals = [
      '0',
      '-0',
      '0.0',
      '-0.000',
      '0e10',
      '-0E-5',
      '1',
      '-1',
      '1.5',
      '123456789012345678901234567890',
      '0.000000000000000000000000000000000000000000001401298464324817',
      '1.401298464324817e-45',
      '7.006492321624085e-46',
      '7.006492321624087e-46',
      '1e-46',
      '1e-50',
      '1e-400',
      '-1e-400',
      '1.1754943508222875e-38',
      '1.1754942106924411e-38',
      '3.4028234663852886e38',
      '3.4028235677973366e38',
      '3.4028236e38',
      '1e39',
      '-1e400',
      '1e400',
      '9007199254740993',
      '0.1',
      '0.30000000000000004',
      '1.00000005960464477539062',
      '1.00000005960464477539063',
      '16777217',
      '16777217.000000001',
    ];
    check(literals);
    expect(read('1.5').value).toBe(1.5);
    expect(Object.is(read('-0').value, -0)).toBe(true);
    expect(read('-1e39').value).toBeNaN();
  });

  it('refuses what is not a JSON number literal', () => {
    for (const literal of ['01', '-', '1.', '.5', '1e', '1e+', '+1', '--1', 'NaN', 'x', '-x', '00']) {
      expect(read(literal).value, literal).toBeUndefined();
    }
  });
});
