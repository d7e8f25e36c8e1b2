import { describe, expect, it } from 'vitest';
import { countPerSegment } from './summary-preview.js';

describe('countPerSegment', () => {
  it('counts the indices falling into each run of consecutive lengths (empty runs included)', () => {
    const segments = [3, 0, 5, 1, 7];
    const indices = Int32Array.from([15, 0, 2, 3, 7, 8, 9, 10, 2]);
    // Independent: each index's segment by walking the running sums.
    const truth = segments.map(() => 0);
    for (const i of indices) {
      let end = 0;
      const s = segments.findIndex((length) => i < (end += length));
      truth[s]! += 1;
    }
    expect(countPerSegment(indices, segments)).toEqual(truth);
    expect(truth).toEqual([3, 0, 2, 1, 3]);
  });
});
