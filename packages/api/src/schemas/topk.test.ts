import { describe, expect, it } from 'vitest';
import { toTopkSpec } from './topk.js';

describe('toTopkSpec', () => {
  it('reads integers as counts and non-integers in (0, 1) as fractions', () => {
    expect(toTopkSpec(1)).toEqual({ count: 1 });
    expect(toTopkSpec(5000)).toEqual({ count: 5000 });
    expect(toTopkSpec(0.01)).toEqual({ fraction: 0.01 });
  });

  it('reads "N%" as a fraction, so "100%" keeps everything', () => {
    expect(toTopkSpec('100%')).toEqual({ fraction: 1 });
    expect(toTopkSpec('1%')).toEqual({ fraction: 0.01 });
    expect(toTopkSpec('30%')).toEqual({ fraction: 0.3 });
    expect(toTopkSpec('0.5%')).toEqual({ fraction: 0.005 });
  });

  it('passes the explicit object forms through', () => {
    expect(toTopkSpec({ fraction: 1 })).toEqual({ fraction: 1 });
    expect(toTopkSpec({ count: 7 })).toEqual({ count: 7 });
  });

  it('rejects ambiguous or out-of-range values with a hint', () => {
    expect(() => toTopkSpec(1.5)).toThrow(/"100%"/);
    expect(() => toTopkSpec('0%')).toThrow(/\(0%, 100%\]/);
    expect(() => toTopkSpec('101%', 'k')).toThrow(/^k "101%"/);
  });
});
