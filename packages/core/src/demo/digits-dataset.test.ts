import { describe, expect, it } from 'vitest';
import { downsampleImages, selectDigits } from './digits-dataset.js';

describe('downsampleImages', () => {
  it('keeps a constant image constant and the mean of every image', () => {
    const img = new Float32Array(2 * 28 * 28);
    img.fill(0.25, 0, 784);
    for (let i = 784; i < img.length; i++) img[i] = (i % 7) / 7;
    const out = downsampleImages(img, 2, 28, 8);
    expect(out.subarray(0, 64).every((v) => Math.abs(v - 0.25) < 1e-7)).toBe(true);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out.subarray(64))).toBeCloseTo(mean(img.subarray(784)), 6);
  });

  it('weights partly covered pixels by their share (28 → 8: each output covers 3.5 inputs)', () => {
    const img = new Float32Array(28 * 28);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) img[r * 28 + c] = 1;
    const out = downsampleImages(img, 1, 28, 8);
    // Output (0, 0) covers [0, 3.5)²: fully lit. (0, 1) covers columns [3.5, 7): only half of column 3.
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(0.5 / 3.5, 6);
    expect(out[9]).toBeCloseTo((0.5 / 3.5) ** 2, 6);
    expect(out[2]).toBe(0);
  });

  it('rejects a buffer that is not whole images', () => {
    expect(() => downsampleImages(new Float32Array(100), 1, 28, 8)).toThrow(/expected 1 images of 28×28/);
  });
});

describe('selectDigits', () => {
  it('takes the rows in the given order', () => {
    const set = { side: 1, pixels: Float32Array.of(10, 11, 12), labels: Int32Array.of(0, 1, 2) };
    const picked = selectDigits(set, [2, 0]);
    expect(Array.from(picked.pixels)).toEqual([12, 10]);
    expect(Array.from(picked.labels)).toEqual([2, 0]);
  });
});
