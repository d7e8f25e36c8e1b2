import { describe, expect, it } from 'vitest';
import { approxKept, parseTopk } from './parse-topk';

describe('parseTopk (the API’s reader)', () => {
  it.each([
    ['500', { count: 500 }, '500'],
    [' 1 ', { count: 1 }, '1'],
    ['0.01', { fraction: 0.01 }, '0.01'],
    ['1%', { fraction: 0.01 }, '0.01'],
    ['100%', { fraction: 1 }, '100%'],
    ['12.5 %', { fraction: 0.125 }, '0.125'],
  ])('reads %j like the API', (text, spec, query) => {
    expect(parseTopk(text)).toEqual({ ok: true, spec, query });
  });

  it('accepts a count above the input dimension (the core keeps all dims then)', () => {
    expect(parseTopk('61')).toMatchObject({ ok: true, spec: { count: 61 } });
    expect(approxKept({ count: 61 }, 60)).toBe(60);
  });

  it.each(['', 'abc', '-5', '0', '1.5', '150%', '0%', '1%%', '5x'])('refuses %j with a message', (text) => {
    const parsed = parseTopk(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/count|fraction|percentage|above 0/);
  });

  it('estimates the kept count as the core rounds it', () => {
    expect(approxKept({ count: 500 }, 100)).toBe(100);
    expect(approxKept({ fraction: 0.01 }, 108_891_648)).toBe(1_088_917);
  });
});
