import { describe, expect, it } from 'vitest';
import { MappingError } from '../errors.js';
import { toFloat64 } from '../tensor/convert.js';
import { caseNames, readExpected, readExpectedTensors } from '../test-support/expected.js';
import type { ExpectedParam } from '../test-support/expected.js';
import { ParamMap } from './param-map.js';
import { ParamMapEntry } from './param-map-entry.js';
import { chooseRepr } from './representation.js';

/** Rebuilds a param map from the reference's listing of selected positions. */
function fromExpected(params: ExpectedParam[]): ParamMap {
  return new ParamMap(
    params.map((p) => ParamMapEntry.fromPositions(p.name, p.shape, Int32Array.from(p.selected))),
  );
}

describe('chooseRepr (the reference rule: indices when k·bytes_per_index < 0.8·numel)', () => {
  it.each([
    [50, 50, 'all'],
    [0, 50, 'indices'],
    [9, 50, 'indices'], // 36 < 40
    [10, 50, 'mask'], // 40 = 40, not smaller
    [4, 9, 'mask'], // 16 ≥ 7.2
    [2, 100, 'indices'],
  ] as const)('%i of %i → %s', (k, numel, repr) => {
    expect(chooseRepr(k, numel)).toBe(repr);
  });

  it('uses 8-byte indices above int32 range', () => {
    const numel = 2 ** 31 + 10;
    expect(chooseRepr(Math.floor((numel * 0.8) / 8) - 1, numel)).toBe('indices');
    expect(chooseRepr(Math.floor((numel * 0.8) / 4) - 1, numel)).toBe('mask');
  });
});

describe.each(caseNames())('param map of %s', (caseName) => {
  const expected = readExpected(caseName);
  const map = fromExpected(expected.param_map);

  it('has the reference hash, reprs and totals', () => {
    expect(map.hash()).toBe(expected.param_map_hash);
    expect(map.entries.map((e) => e.repr)).toEqual(expected.param_map.map((p) => p.repr));
    expect(map.selectedTotal).toBe(expected.input_dim);
    expect(map.unprunedLength).toBe(expected.unpruned_length);
  });

  it('builds the reference base-global index map', () => {
    const want = readExpectedTensors(caseName).get('base_global_index_map');
    expect(want).toBeDefined();
    expect(Array.from(map.baseGlobalIndexMap())).toEqual(Array.from(toFloat64(want!)));
  });

  it('baseGlobalIndex agrees with the full map at every position', () => {
    const full = map.baseGlobalIndexMap();
    const step = Math.max(1, Math.floor(full.length / 500));
    for (let i = 0; i < full.length; i += step) expect(map.baseGlobalIndex(i)).toBe(full[i]);
  });

  it('inputOffset / baseOffset are the running sums of selected / numel, checked at the ends', () => {
    let input = 0;
    let base = 0;
    map.entries.forEach((e, i) => {
      expect(map.inputOffset(i)).toBe(input);
      expect(map.baseOffset(i)).toBe(base);
      input += e.numSelected;
      base += e.numel;
    });
    expect(map.inputOffset(map.entries.length)).toBe(expected.input_dim);
    expect(map.baseOffset(map.entries.length)).toBe(expected.unpruned_length);
    for (const bad of [-1, map.entries.length + 1, 0.5, NaN]) {
      expect(() => map.inputOffset(bad)).toThrow(RangeError);
      expect(() => map.baseOffset(bad)).toThrow(RangeError);
    }
  });

  it('hashes every successful prune result like the reference', () => {
    for (const p of expected.prunes) {
      if (!p.param_map) continue;
      expect(fromExpected(p.param_map).hash(), `prune ${p.id}`).toBe(p.param_map_hash);
    }
  });
});

describe('ParamMapEntry', () => {
  it('keeps unsorted indices in their order', () => {
    const e = ParamMapEntry.fromSpec({ name: 'w', shape: [10, 10], repr: 'indices', indices: [3, 0, 17] });
    expect(e.repr).toBe('indices');
    expect(Array.from(e.selectedPositions())).toEqual([3, 0, 17]);
    expect(e.positionAt(1)).toBe(0);
  });

  it('normalises a dense mask given as indices into a mask (sorted), as the reference does', () => {
    const e = ParamMapEntry.fromSpec({ name: 'w', shape: [4], repr: 'indices', indices: [2, 0, 1] });
    expect(e.repr).toBe('mask');
    expect(Array.from(e.selectedPositions())).toEqual([0, 1, 2]);
  });

  it('turns a full selection into all and an empty mask into empty indices', () => {
    expect(
      ParamMapEntry.fromSpec({ name: 'w', shape: [3], repr: 'mask', mask: Uint8Array.of(1, 1, 1) }).repr,
    ).toBe('all');
    const empty = ParamMapEntry.fromSpec({ name: 'w', shape: [3], repr: 'mask', mask: new Uint8Array(3) });
    expect([empty.repr, empty.numSelected]).toEqual(['indices', 0]);
  });

  it('rejects out-of-range indices, wrong mask sizes and bad shapes', () => {
    expect(() => ParamMapEntry.fromSpec({ name: 'w', shape: [2, 2], repr: 'indices', indices: [4] })).toThrow(
      /index 4 at position 0 is out of range \[0, 4\)/,
    );
    expect(() =>
      ParamMapEntry.fromSpec({ name: 'w', shape: [2, 2], repr: 'indices', indices: [-1] }),
    ).toThrow(MappingError);
    expect(() =>
      ParamMapEntry.fromSpec({ name: 'w', shape: [2, 2], repr: 'mask', mask: new Uint8Array(3) }),
    ).toThrow(/mask has 3 entries/);
    expect(() => ParamMapEntry.fromSpec({ name: 'w', shape: [2, -1], repr: 'all' })).toThrow(/shape\[1\]/);
  });
});

describe('ParamMap', () => {
  const map = ParamMap.fromSpecs([
    { name: 'a', shape: [10, 10], repr: 'indices', indices: [15, 1] },
    { name: 'empty', shape: [4], repr: 'indices', indices: [] },
    { name: 'b', shape: [2, 2, 2], repr: 'all' },
  ]);

  it('skips empty selections when locating inputs', () => {
    expect(map.selectedTotal).toBe(10);
    expect(map.baseGlobalIndex(0)).toBe(15);
    expect(map.baseGlobalIndex(1)).toBe(1);
    expect(map.baseGlobalIndex(2)).toBe(100 + 4 + 0);
  });

  it('decodes base-global indices into coordinates, rows and columns', () => {
    expect(map.decodeBaseGlobalIndex(15)).toMatchObject({
      paramName: 'a',
      flatIndexInParam: 15,
      coords: [1, 5],
      paramRow: 1,
      paramCol: 5,
    });
    expect(map.decodeBaseGlobalIndex(100)).toMatchObject({
      paramName: 'empty',
      coords: [0],
      paramRow: 0,
      paramCol: null,
    });
    expect(map.decodeBaseGlobalIndex(111)).toMatchObject({
      paramName: 'b',
      flatIndexInParam: 7,
      coords: [1, 1, 1],
    });
  });

  it('rejects out-of-range and non-integer indices', () => {
    expect(() => map.decodeBaseGlobalIndex(112)).toThrow(/out of bounds for total size 112/);
    expect(() => map.decodeBaseGlobalIndex(-1)).toThrow(RangeError);
    expect(() => map.decodeBaseGlobalIndex(1.5)).toThrow(TypeError);
    expect(() => map.baseGlobalIndex(10)).toThrow(RangeError);
  });

  it('rejects a parameter listed twice and a total that disagrees with input_dim', () => {
    expect(() =>
      ParamMap.fromSpecs([
        { name: 'a', shape: [1], repr: 'all' },
        { name: 'a', shape: [1], repr: 'all' },
      ]),
    ).toThrow(/appears twice/);
    expect(() => map.assertInputDim(11)).toThrow(/selects 10 entries in total but input_dim is 11/);
  });
});
