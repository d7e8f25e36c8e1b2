import { describe, expect, it } from 'vitest';
import { TorchCheckpointError } from '../errors.js';
import { parseStateDictPickle } from './state-dict-pickle.js';
import { op, pickle, stateDictPickle } from './test-builders.js';
import type { TensorSpec } from './test-builders.js';

const weight: TensorSpec = {
  name: 'w',
  storageClass: 'FloatStorage',
  key: '0',
  storageNumel: 6,
  shape: [2, 3],
};

function rejects(bytes: Uint8Array, message: RegExp): void {
  expect(() => parseStateDictPickle(bytes)).toThrow(TorchCheckpointError);
  expect(() => parseStateDictPickle(bytes)).toThrow(message);
}

/** A pickle calling _rebuild_tensor_v2 with the given argument opcodes (storage comes first). */
function rebuildWith(storage: number[], ...rest: (number | readonly number[])[]): Uint8Array {
  return pickle(
    op.emptyDict,
    op.str('t'),
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.mark,
    storage,
    rest,
    op.tuple,
    op.reduce,
    op.setitem,
    op.stop,
  );
}

const storage = (numel: number, cls = 'FloatStorage', key = '0', tag = 'storage') => [
  op.mark,
  ...op.str(tag),
  ...op.global('torch', cls),
  ...op.str(key),
  ...op.str('cpu'),
  ...op.int(numel),
  op.tuple,
  op.binpersid,
];
const ints = (...values: number[]) => [op.mark, ...values.flatMap(op.int), op.tuple];
const noHooks = [...op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce];

describe('parseStateDictPickle', () => {
  it('returns entries in pickle order with storage references', () => {
    const entries = parseStateDictPickle(
      stateDictPickle([
        { name: 'z.last', storageClass: 'LongStorage', key: '7', storageNumel: 3, shape: [3] },
        { ...weight, name: 'a.first' },
      ]),
    );
    expect(entries.map((e) => e.name)).toEqual(['z.last', 'a.first']);
    expect(entries[0]?.tensor).toEqual({
      kind: 'tensor',
      storage: {
        kind: 'storage',
        key: '7',
        storageClass: 'LongStorage',
        dtype: 'I64',
        location: 'cpu',
        numel: 3,
      },
      storageOffset: 0,
      shape: [3],
      stride: [1],
      requiresGrad: false,
    });
    expect(entries[1]?.tensor.stride).toEqual([3, 1]);
  });

  it.each([
    ['FloatStorage', 'F32'],
    ['DoubleStorage', 'F64'],
    ['HalfStorage', 'F16'],
    ['BFloat16Storage', 'BF16'],
    ['LongStorage', 'I64'],
    ['IntStorage', 'I32'],
    ['ShortStorage', 'I16'],
    ['CharStorage', 'I8'],
    ['ByteStorage', 'U8'],
    ['BoolStorage', 'BOOL'],
  ])('maps torch.%s to %s', (storageClass, dtype) => {
    const [entry] = parseStateDictPickle(stateDictPickle([{ ...weight, storageClass }]));
    expect(entry?.tensor.storage.dtype).toBe(dtype);
  });

  it('accepts a plain dict at top level and an empty state dict', () => {
    expect(parseStateDictPickle(stateDictPickle([weight], false)).map((e) => e.name)).toEqual(['w']);
    expect(parseStateDictPickle(stateDictPickle([], false))).toEqual([]);
    expect(parseStateDictPickle(stateDictPickle([], true))).toEqual([]);
  });

  it('accepts the 7-argument form with a metadata dict', () => {
    const [entry] = parseStateDictPickle(
      rebuildWith(storage(4), op.int(1), ints(3), ints(1), op.newTrue, noHooks, op.emptyDict),
    );
    expect(entry?.tensor).toMatchObject({ storageOffset: 1, shape: [3], requiresGrad: true });
  });

  it('accepts scalars and empty tensors', () => {
    const [scalar] = parseStateDictPickle(
      rebuildWith(storage(1), op.int(0), op.emptyTuple, op.emptyTuple, op.newFalse, noHooks),
    );
    expect(scalar?.tensor.shape).toEqual([]);
    const [empty] = parseStateDictPickle(
      rebuildWith(storage(0), op.int(0), ints(0), ints(1), op.newFalse, noHooks),
    );
    expect(empty?.tensor.shape).toEqual([0]);
  });

  it('rejects roots and values that are not a tensor state dict', () => {
    rejects(pickle(op.emptyList, op.stop), /holds list, not a state dict/);
    rejects(
      pickle(op.emptyDict, op.str('x'), op.int(1), op.setitem, op.stop),
      /entry 'x' holds int, not a tensor/,
    );
    rejects(pickle(op.emptyDict, op.int(1), op.emptyDict, op.setitem, op.stop), /key 1 is not a string/);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['wrong arity', rebuildWith(storage(4), op.int(0), ints(4)), /takes 6 or 7 arguments, got 3/],
    [
      'no storage',
      rebuildWith([op.none], op.int(0), ints(4), ints(1), op.newFalse, noHooks),
      /needs a storage/,
    ],
    [
      'negative offset',
      rebuildWith(storage(4), op.int(-1), ints(4), ints(1), op.newFalse, noHooks),
      /storage_offset must be a non-negative integer, got -1/,
    ],
    [
      'stride/size mismatch',
      rebuildWith(storage(4), op.int(0), ints(2, 2), ints(1), op.newFalse, noHooks),
      /stride has 1 dims but size has 2/,
    ],
    [
      'tensor beyond storage',
      rebuildWith(storage(4), op.int(1), ints(4), ints(1), op.newFalse, noHooks),
      /reaches element 4 of storage '0' with 4 elements/,
    ],
    [
      'strided tensor beyond storage',
      rebuildWith(storage(6), op.int(0), ints(2, 3), ints(1, 3), op.newFalse, noHooks),
      /reaches element 7/,
    ],
    [
      'offset beyond storage for an empty tensor',
      rebuildWith(storage(2), op.int(3), ints(0), ints(1), op.newFalse, noHooks),
      /storage_offset 3 lies beyond storage/,
    ],
    [
      'size is not a tuple',
      rebuildWith(storage(4), op.int(0), op.int(4), ints(1), op.newFalse, noHooks),
      /size must be a tuple of ints, got int/,
    ],
    [
      'requires_grad not a bool',
      rebuildWith(storage(4), op.int(0), ints(4), ints(1), op.none, noHooks),
      /requires_grad must be a bool, got None/,
    ],
    [
      'backward hooks present',
      rebuildWith(
        storage(4),
        op.int(0),
        ints(4),
        ints(1),
        op.newFalse,
        noHooks,
        op.int(0),
        op.str('hook'),
        op.setitem,
      ),
      /backward hooks are not supported/,
    ],
    [
      'huge shape',
      rebuildWith(
        storage(4),
        op.int(0),
        ints(0x7fffffff, 0x7fffffff, 0x7fffffff),
        ints(0, 0, 0),
        op.newFalse,
        noHooks,
      ),
      /has too many elements/,
    ],
    [
      'persistent id with a wrong tag',
      rebuildWith(
        storage(4, 'FloatStorage', '0', 'module'),
        op.int(0),
        ints(4),
        ints(1),
        op.newFalse,
        noHooks,
      ),
      /persistent id must be \('storage', class, key, location, numel\)/,
    ],
    [
      'persistent id naming a callable',
      rebuildWith(
        [
          op.mark,
          ...op.str('storage'),
          ...op.global('collections', 'OrderedDict'),
          ...op.str('0'),
          ...op.str('cpu'),
          ...op.int(4),
          op.tuple,
          op.binpersid,
        ],
        op.int(0),
        ints(4),
        ints(1),
        op.newFalse,
        noHooks,
      ),
      /names global collections.OrderedDict where a storage class belongs/,
    ],
    [
      'storage key with a path',
      rebuildWith(
        storage(4, 'FloatStorage', '../version'),
        op.int(0),
        ints(4),
        ints(1),
        op.newFalse,
        noHooks,
      ),
      /storage key must be a plain name, got "..\/version"/,
    ],
  ])('rejects _rebuild_tensor_v2 with %s', (_name, bytes, message) => {
    rejects(bytes, message);
  });
});
