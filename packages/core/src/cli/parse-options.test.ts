import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { parseTopK } from './parse-options.js';

describe('parseTopK', () => {
  it('reads counts, fractions and percentages', () => {
    expect(parseTopK('30', '--top')).toEqual({ count: 30 });
    expect(parseTopK('0.25', '--top')).toEqual({ fraction: 0.25 });
    expect(parseTopK('1.0', '--top')).toEqual({ fraction: 1 });
    expect(parseTopK('1%', '--top')).toEqual({ fraction: 0.01 });
    expect(parseTopK('100%', '--top')).toEqual({ fraction: 1 });
  });

  it.each(['', 'abc', '1%%', '%', '3x', 'NaN', 'Infinity'])('rejects %j as a usage error', (text) => {
    expect(() => parseTopK(text, '--top')).toThrow(UsageError);
  });
});
