import { describe, expect, it } from 'vitest';
import { approxKept, parseTopk } from './parse-topk';

describe('parseTopk', () => {
  it.each([
    ['500', { kind: 'count', value: 500 }],
    [' 1 ', { kind: 'count', value: 1 }],
    ['0.01', { kind: 'fraction', value: 0.01 }],
    ['.5', { kind: 'fraction', value: 0.5 }],
    ['1%', { kind: 'fraction', value: 0.01 }],
    ['12.5 %', { kind: 'fraction', value: 0.125 }],
    ['1e-3', { kind: 'fraction', value: 0.001 }],
  ])('reads %j', (text, topk) => {
    const parsed = parseTopk(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.topk.kind).toBe(topk.kind);
      expect(parsed.topk.value).toBeCloseTo(topk.value, 12);
    }
  });

  it.each(['', 'abc', '-5', '0', '1.5', '100%', '0%', '1%%', '5x'])('refuses %j with a message', (text) => {
    const parsed = parseTopk(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(10);
  });

  it('refuses a count above the input dimension', () => {
    expect(parseTopk('61', 60)).toEqual({
      ok: false,
      error: 'a count can be at most the input dimension (60)',
    });
    expect(parseTopk('60', 60).ok).toBe(true);
  });

  it('estimates the kept count', () => {
    expect(approxKept({ kind: 'count', value: 500 }, 100)).toBe(100);
    expect(approxKept({ kind: 'fraction', value: 0.01 }, 108_891_648)).toBe(1_088_916);
  });
});
