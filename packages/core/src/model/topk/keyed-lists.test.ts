import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../random/xorshift32.js';
import { mergeAscending, pickTop, sortByKeysDescending } from './keyed-lists.js';

function seeded(seed: number): () => number {
  const rng = new Xorshift32(seed);
  return () => rng.nextUint32();
}

/** Keys drawn from `span` values above `base` (small spans force ties), indices ascending. */
function list(
  n: number,
  base: number,
  span: number,
  seed: number,
): { indices: Int32Array; keys: Uint32Array } {
  const r = seeded(seed);
  const indices = Int32Array.from({ length: n }, (_, i) => 3 * i + (r() % 3));
  const keys = Uint32Array.from({ length: n }, () => (base + (r() % span)) >>> 0);
  return { indices, keys };
}

/** The comparator definition: descending key, then position in the list. */
function bruteOrder(l: { indices: Int32Array; keys: Uint32Array }): number[] {
  const pos = Array.from(l.indices.keys());
  pos.sort((a, b) => (l.keys[b] as number) - (l.keys[a] as number) || a - b);
  return pos.map((p) => l.indices[p] as number);
}

describe('sortByKeysDescending', () => {
  it.each([
    ['ties only', 0x80000000, 1],
    ['a few distinct keys', 0x80000000, 7],
    ['an 11-bit span (one pass)', 0xbd000000, 2048],
    ['a 25-bit span (three passes)', 0xbd000000, 1 << 25],
    ['the full 32-bit range', 0, 0xffffffff],
  ])('orders like a comparator sort: %s', (_name, base, span) => {
    for (const n of [0, 1, 2, 1000, 50_001]) {
      const l = list(n, base, span, n + span);
      expect(Array.from(sortByKeysDescending(l))).toEqual(bruteOrder(l));
    }
  });

  it('keeps ties in list order even when the list is not ascending', () => {
    const l = { indices: Int32Array.of(9, 2, 7, 1), keys: Uint32Array.of(5, 6, 5, 5) };
    expect(Array.from(sortByKeysDescending(l))).toEqual([2, 9, 7, 1]);
  });

  it('sorts several parts as their concatenation', () => {
    const l = list(30_000, 0x90000000, 5000, 11);
    const parts = [0, 1, 12_345, 29_999, 30_000].map((at, i, cuts) => ({
      indices: l.indices.subarray(cuts[i - 1] ?? 0, at),
      keys: l.keys.subarray(cuts[i - 1] ?? 0, at),
    }));
    expect(Array.from(sortByKeysDescending(...parts))).toEqual(bruteOrder(l));
  });

  it('leaves its input as it was', () => {
    const l = list(100, 0, 1000, 3);
    const before = { indices: l.indices.slice(), keys: l.keys.slice() };
    sortByKeysDescending(l);
    expect(l).toEqual(before);
  });
});

describe('pickTop', () => {
  it('keeps the need largest keys, ties at the boundary to the lowest indices, ascending', () => {
    for (const [span, seed] of [
      [3, 1],
      [100, 2],
      [0xffffffff, 3],
    ] as const) {
      const l = list(20_000, 0, span, seed);
      for (const need of [0, 1, 777, 19_999, 20_000]) {
        const want = bruteOrder(l)
          .slice(0, need)
          .sort((a, b) => a - b);
        const got = pickTop([l], need);
        expect(Array.from(got.indices)).toEqual(want);
        // Each kept index carries its own key.
        const keyOf = new Map(Array.from(l.indices, (ix, p) => [ix, l.keys[p] as number]));
        expect(Array.from(got.keys)).toEqual(want.map((ix) => keyOf.get(ix)));
      }
    }
  });
});

describe('pickTop over parts', () => {
  it('answers as for the joined list', () => {
    const l = list(10_000, 0, 50, 4);
    const cut = [0, 3000, 3000, 9999, 10_000];
    const parts = cut.slice(1).map((at, i) => ({
      indices: l.indices.subarray(cut[i], at),
      keys: l.keys.subarray(cut[i], at),
    }));
    for (const need of [1, 2500, 10_000]) expect(pickTop(parts, need)).toEqual(pickTop([l], need));
  });
});

describe('mergeAscending', () => {
  it('interleaves an ascending list in parts with another ascending list', () => {
    const keys = new Uint32Array(3);
    const x = [
      { indices: Int32Array.of(1, 4), keys: keys.subarray(0, 2) },
      { indices: new Int32Array(0), keys: new Uint32Array(0) },
      { indices: Int32Array.of(9), keys: keys.subarray(2) },
    ];
    expect(Array.from(mergeAscending(x, Int32Array.of(0, 5, 6, 12)))).toEqual([0, 1, 4, 5, 6, 9, 12]);
    expect(Array.from(mergeAscending(x, new Int32Array(0)))).toEqual([1, 4, 9]);
    expect(Array.from(mergeAscending([], Int32Array.of(2, 3)))).toEqual([2, 3]);
  });
});
