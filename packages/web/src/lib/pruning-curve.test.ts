import { describe, expect, it } from 'vitest';
import { makeCurve } from '../test-support/evaluation';
import { curveClasses, readPercent, suggestK } from './pruning-curve';

describe('suggestK', () => {
  // Unpruned (k = 60) correlation 0.8: 95 % of it is 0.76.
  const curve = makeCurve([
    [1, 0.1],
    [4, 0.5],
    [10, 0.77],
    [20, 0.74],
    [30, 0.79],
    [60, 0.8],
  ]);

  it('takes the smallest k keeping the fraction, even when a larger k dips below it again', () => {
    expect(suggestK(curve, 0.95)?.k).toBe(10);
    expect(suggestK(curve, 0.99)?.k).toBe(60);
    expect(suggestK(curve, 0.5)?.k).toBe(4);
  });

  it('compares magnitudes: a negatively correlated encoder keeps |r|', () => {
    const negative = makeCurve([
      [1, -0.2],
      [5, -0.7],
      [9, -0.72],
    ]);
    expect(suggestK(negative, 0.9)?.k).toBe(5);
  });

  it('does not depend on the order the points come in', () => {
    const shuffled = { ...curve, points: [...curve.points].reverse() };
    expect(suggestK(shuffled, 0.95)?.k).toBe(10);
  });

  it('reads percentages and lists the classes', () => {
    expect(readPercent('95')).toBe(0.95);
    expect(readPercent('90 %'.replace(' ', ''))).toBe(0.9);
    expect(readPercent('0')).toBeNull();
    expect(readPercent('101')).toBeNull();
    expect(curveClasses(curve)).toEqual(['-1.0', '1.0']);
  });
});
