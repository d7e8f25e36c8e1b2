import { describe, expect, it } from 'vitest';
import { FinishedValues, ResultCache } from './result-cache.js';

describe('ResultCache', () => {
  it('shares one computation per key, forgets failures, drops the least recently used', async () => {
    const cache = new ResultCache<number>(2);
    let runs = 0;
    const compute = (v: number) => async () => {
      runs++;
      return v;
    };
    const [a, b] = await Promise.all([cache.get('a', compute(1)), cache.get('a', compute(2))]);
    expect([a, b]).toEqual([
      { value: 1, hit: false },
      { value: 1, hit: true },
    ]);
    expect(runs).toBe(1);
    await expect(cache.get('bad', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await cache.get('bad', compute(3))).hit).toBe(false);
    await cache.get('a', compute(9)); // touch a: bad is now the oldest
    await cache.get('c', compute(4));
    expect(cache.size).toBe(2);
    expect((await cache.get('a', compute(9))).value).toBe(1);
    expect((await cache.get('bad', compute(5))).value).toBe(5);
  });
});

describe('FinishedValues', () => {
  it('returns what was set and drops the least recently used past its size', () => {
    const values = new FinishedValues<string>(2);
    values.set('a', 'A');
    values.set('b', 'B');
    expect(values.get('a')).toBe('A'); // a is now the most recently used
    values.set('c', 'C');
    expect(values.get('b')).toBeUndefined();
    expect([values.get('a'), values.get('c')]).toEqual(['A', 'C']);
  });
});
