import { describe, expect, it } from 'vitest';
import { readTopk, topkToQuery, topkUpperBound } from './topk-input.js';

const spec = (value: unknown) => {
  const r = readTopk(value, 'k');
  return r.ok ? r.spec : r.error;
};

describe('readTopk', () => {
  it('reads integers as counts and non-integers in (0, 1) as fractions, as numbers or text', () => {
    expect(spec(1)).toEqual({ count: 1 });
    expect(spec('5000')).toEqual({ count: 5000 });
    expect(spec(' 500 ')).toEqual({ count: 500 });
    expect(spec('1.0')).toEqual({ count: 1 });
    expect(spec('1e3')).toEqual({ count: 1000 });
    expect(spec(0.01)).toEqual({ fraction: 0.01 });
    expect(spec('.25')).toEqual({ fraction: 0.25 });
  });

  it('reads "N%" as a fraction, so "100%" keeps everything', () => {
    expect(spec('100%')).toEqual({ fraction: 1 });
    expect(spec('1%')).toEqual({ fraction: 0.01 });
    expect(spec('0.5 %')).toEqual({ fraction: 0.005 });
  });

  it('passes the explicit object forms through and checks their ranges', () => {
    expect(spec({ fraction: 1 })).toEqual({ fraction: 1 });
    expect(spec({ count: 7 })).toEqual({ count: 7 });
    expect(spec({ count: 1.5 })).toMatch(/whole number/);
    expect(spec({ fraction: 0 })).toMatch(/\(0, 1\]/);
    expect(spec({ count: 1, fraction: 1 })).toMatch(/must be/);
  });

  it('refuses ambiguous, out-of-range or non-numeric values with a hint naming the field', () => {
    expect(spec(1.5)).toMatch(/^k 1.5 is neither .*"100%"/);
    expect(spec('150%')).toMatch(/^k "150%" must be a percentage in \(0%, 100%\]/);
    expect(spec('0%')).toMatch(/\(0%, 100%\]/);
    expect(spec('-3')).toMatch(/^k "-3" is not/);
    expect(spec('0')).toMatch(/above 0/);
    expect(spec('abc%')).toMatch(/percentage/);
    expect(spec('')).toMatch(/^enter a count/);
    expect(spec(true)).toMatch(/^k must be/);
    expect(spec(Number.NaN)).toMatch(/above 0/);
  });
});

describe('topk helpers', () => {
  it('bounds the rows a request selects like the core (fractions round up, counts clamp)', () => {
    expect(topkUpperBound({ fraction: 0.01 }, 228_928)).toBe(2290);
    expect(topkUpperBound({ count: 10 }, 5)).toBe(5);
  });

  it('writes a request back as a query value the reader reads to the same request', () => {
    for (const s of [
      { count: 1 },
      { fraction: 1 },
      { fraction: 0.01 },
      { fraction: 0.001234 },
      { count: 500 },
    ]) {
      expect(spec(topkToQuery(s))).toEqual(s);
    }
  });
});
