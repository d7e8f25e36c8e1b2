import { describe, expect, it } from 'vitest';
import { TorchCheckpointError } from '../errors.js';
import { fixturePath } from '../test-support/fixtures.js';
import type { PickleValue } from './pickle-values.js';
import { unpickleRestricted } from './restricted-unpickler.js';
import { op, pickle } from './test-builders.js';
import { openZipFile } from './zip-archive.js';

function rejects(bytes: Uint8Array, message: RegExp | string): void {
  let thrown: unknown;
  try {
    unpickleRestricted(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TorchCheckpointError);
  expect((thrown as Error).message).toMatch(message);
}

function items(value: PickleValue): readonly PickleValue[] {
  if (value === null || typeof value !== 'object' || (value.kind !== 'tuple' && value.kind !== 'list')) {
    throw new Error('not a sequence');
  }
  return value.items;
}

describe('unpickleRestricted: values', () => {
  it('reads ints of every width, including LONG1 beyond 2^53 and negatives', () => {
    const value = unpickleRestricted(
      pickle(
        op.proto(),
        op.mark,
        [0x4b, 0xff],
        [0x4d, 0x34, 0x12],
        [0x4a, 0xfe, 0xff, 0xff, 0xff],
        [0x8a, 0x00],
        [0x8a, 0x01, 0xff],
        [0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x01],
        [0x8a, 0x05, 0x00, 0xe4, 0x0b, 0x54, 0x02],
        op.tuple,
        op.stop,
      ),
    );
    expect(items(value)).toEqual([255, 0x1234, -2, 0, -1, 1n << 56n, 10_000_000_000]);
  });

  it('reads floats, strings of all kinds, None and bools', () => {
    const binfloat = [0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0];
    const shortUnicode = [0x8c, 2, 0xc3, 0xa9];
    const binstring = [0x54, 2, 0, 0, 0, 0x68, 0x69];
    const shortBinstring = [0x55, 1, 0x78];
    const value = unpickleRestricted(
      pickle(
        op.mark,
        binfloat,
        shortUnicode,
        binstring,
        shortBinstring,
        op.none,
        op.newTrue,
        op.newFalse,
        op.tuple,
        op.stop,
      ),
    );
    expect(items(value)).toEqual([{ kind: 'float', value: 1.5 }, 'é', 'hi', 'x', null, true, false]);
  });

  it('builds lists, tuples and dicts, and resolves the memo', () => {
    const value = unpickleRestricted(
      pickle(
        [0x95, 40, 0, 0, 0, 0, 0, 0, 0],
        op.emptyDict,
        op.str('list'),
        op.emptyList,
        op.put(0),
        op.int(1),
        op.append,
        op.mark,
        op.int(2),
        op.int(3),
        op.appends,
        op.setitem,
        op.str('pair'),
        op.int(4),
        [0x94],
        op.get(1),
        op.tuple2,
        op.setitem,
        op.str('again'),
        [0x6a, 0, 0, 0, 0],
        op.setitem,
        op.stop,
      ),
    );
    if (value === null || typeof value !== 'object' || value.kind !== 'dict') throw new Error('not a dict');
    expect([...value.entries.keys()]).toEqual(['list', 'pair', 'again']);
    expect(items(value.entries.get('list') ?? null)).toEqual([1, 2, 3]);
    expect(items(value.entries.get('pair') ?? null)).toEqual([4, 4]);
    expect(value.entries.get('again')).toBe(value.entries.get('list'));
  });

  it('keeps the first position of a key set twice, as Python dicts do', () => {
    const value = unpickleRestricted(
      pickle(
        op.emptyDict,
        op.mark,
        op.str('a'),
        op.int(1),
        op.str('b'),
        op.int(2),
        op.str('a'),
        op.int(3),
        op.setitems,
        op.stop,
      ),
    );
    if (value === null || typeof value !== 'object' || value.kind !== 'dict') throw new Error('not a dict');
    expect([...value.entries]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('records BUILD state on an OrderedDict as attributes (torch stores _metadata this way)', () => {
    const value = unpickleRestricted(
      pickle(
        op.global('collections', 'OrderedDict'),
        op.emptyTuple,
        op.reduce,
        op.emptyDict,
        op.str('_metadata'),
        op.emptyDict,
        op.setitem,
        op.build,
        op.stop,
      ),
    );
    if (value === null || typeof value !== 'object' || value.kind !== 'dict') throw new Error('not a dict');
    expect(value.ordered).toBe(true);
    expect(value.entries.size).toBe(0);
    expect([...value.attributes.keys()]).toEqual(['_metadata']);
  });
});

describe('unpickleRestricted: refuses what a state dict never needs', () => {
  it.each([
    ['os', 'system', 'os.system'],
    ['posix', 'system', 'posix.system'],
    ['builtins', 'eval', 'builtins.eval'],
    ['builtins', 'exec', 'builtins.exec'],
    ['__builtin__', 'getattr', '__builtin__.getattr'],
    ['torch', 'load', 'torch.load'],
    ['torch.nn.modules.linear', 'Linear', 'torch.nn.modules.linear.Linear'],
    ['torch._utils', '_rebuild_parameter', 'torch._utils._rebuild_parameter'],
    ['torch', '_utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v2'],
    ['collections', 'OrderedDict.fromkeys', 'collections.OrderedDict.fromkeys'],
    ['torch', 'Storage', 'torch.Storage'],
  ])('GLOBAL %s %s', (module, name, shown) => {
    const bytes = pickle(
      op.proto(),
      op.global(module, name),
      op.str('touch /tmp/pwned'),
      op.tuple1,
      op.reduce,
      op.stop,
    );
    rejects(bytes, `pickle global '${shown}' is not allowed`);
  });

  it.each([
    ['INST', [0x69, ...new TextEncoder().encode('os\nsystem\n')]],
    ['OBJ', [op.mark, 0x6f]],
    ['EXT1', [0x82, 0x01]],
    ['EXT2', [0x83, 0x01, 0x00]],
    ['EXT4', [0x84, 0x01, 0x00, 0x00, 0x00]],
    ['STACK_GLOBAL', [0x8c, 2, 0x6f, 0x73, 0x8c, 6, ...new TextEncoder().encode('system'), 0x93]],
    ['NEWOBJ', [op.emptyTuple, op.emptyTuple, 0x81]],
    ['PERSID', [0x50, 0x30, 0x0a]],
    ['STRING', [0x53, 0x27, 0x61, 0x27, 0x0a]],
    ['BINBYTES', [0x42, 1, 0, 0, 0, 0]],
    ['DUP', [op.none, 0x32]],
    ['POP', [op.none, 0x30]],
    ['LONG4', [0x8b, 1, 0, 0, 0, 1]],
    ['0xff \\(not a pickle opcode\\)', [0xff]],
  ])('opcode %s', (name, bytes) => {
    rejects(pickle(op.proto(), bytes, op.stop), new RegExp(`unsupported pickle opcode ${name}`));
  });

  it('refuses REDUCE on something that is not an allowlisted callable', () => {
    rejects(
      pickle(op.global('torch', 'FloatStorage'), op.emptyTuple, op.reduce, op.stop),
      /calling global torch.FloatStorage/,
    );
    rejects(pickle(op.str('os.system'), op.emptyTuple, op.reduce, op.stop), /REDUCE on str is not allowed/);
  });

  it('refuses OrderedDict with arguments and BUILD on anything but a dict', () => {
    rejects(
      pickle(op.global('collections', 'OrderedDict'), op.emptyList, op.tuple1, op.reduce, op.stop),
      /OrderedDict is only supported with no arguments/,
    );
    rejects(
      pickle(op.emptyList, op.emptyDict, op.build, op.stop),
      /expected a dict on the stack, found list/,
    );
    rejects(pickle(op.emptyDict, op.emptyTuple, op.build, op.stop), /BUILD with tuple state/);
  });

  it('refuses a protocol newer than 5', () => {
    rejects(pickle(op.proto(6), op.none, op.stop), /unsupported pickle protocol 6/);
  });
});

describe('unpickleRestricted: malformed input', () => {
  it.each<[string, Uint8Array, RegExp]>([
    ['empty input', new Uint8Array(0), /pickle ended without STOP/],
    ['no STOP', pickle(op.proto(), op.none), /pickle ended without STOP/],
    ['STOP on an empty stack', pickle(op.stop), /stack underflow/],
    [
      'huge BINUNICODE length',
      pickle([0x58, 0xff, 0xff, 0xff, 0xff, 0x41], op.stop),
      /needs 4294967295 bytes, 2 left/,
    ],
    ['truncated BININT', pickle([0x4a, 1, 2]), /pickle truncated: BININT operand/],
    [
      'negative BINSTRING length',
      pickle([0x54, 0xff, 0xff, 0xff, 0xff], op.stop),
      /negative BINSTRING length/,
    ],
    ['invalid UTF-8', pickle([0x8c, 2, 0xc3, 0x28], op.stop), /not valid UTF-8/],
    ['GLOBAL without newline', pickle([0x63, 0x6f, 0x73]), /no terminating newline/],
    [
      'GLOBAL line too long',
      pickle(0x63, new Array<number>(300).fill(0x61), 0x0a, op.stop),
      /longer than 256 bytes/,
    ],
    ['TUPLE2 on one item', pickle(op.none, op.tuple2, op.stop), /stack underflow/],
    ['pop across a MARK', pickle(op.none, op.mark, op.tuple1, op.stop), /stack underflow below a MARK/],
    ['TUPLE without MARK', pickle(op.none, op.tuple, op.stop), /no MARK on the stack/],
    ['memo miss', pickle(op.get(7), op.stop), /memo has no entry 7/],
    ['BINPUT on an empty stack', pickle(op.put(0), op.stop), /stack underflow/],
    [
      'SETITEM on a list',
      pickle(op.emptyList, op.none, op.none, op.setitem, op.stop),
      /expected a dict on the stack, found list/,
    ],
    [
      'APPEND on a dict',
      pickle(op.emptyDict, op.none, op.append, op.stop),
      /expected a list on the stack, found dict/,
    ],
    ['odd SETITEMS', pickle(op.emptyDict, op.mark, op.none, op.setitems, op.stop), /key\/value pairs/],
    [
      'unhashable key',
      pickle(op.emptyDict, op.emptyList, op.none, op.setitem, op.stop),
      /unsupported dict key of type list/,
    ],
    [
      'oversized FRAME',
      pickle([0x95, 0xff, 0, 0, 0, 0, 0, 0, 0], op.stop),
      /frame of 255 bytes exceeds the pickle/,
    ],
    [
      'BINPERSID on a string',
      pickle(op.str('x'), op.binpersid, op.stop),
      /persistent id must be a tuple, got str/,
    ],
  ])('%s', (_name, bytes, message) => {
    rejects(bytes, message);
  });

  it('names the offending opcode and offset', () => {
    rejects(
      pickle(op.proto(), op.none, op.tuple2, op.stop),
      'stack underflow (TUPLE2 (0x86) at pickle offset 3)',
    );
  });

  it('fails cleanly on every truncation and on byte flips of a real state-dict pickle', async () => {
    const archive = await openZipFile(fixturePath('torch-bin-format', 'model', 'pytorch_model.bin'));
    const real = await archive.read('pytorch_model/data.pkl');
    archive.close();
    expect(() => unpickleRestricted(real)).not.toThrow();
    for (let end = 0; end < real.length; end++) {
      expect(() => unpickleRestricted(real.subarray(0, end))).toThrow(TorchCheckpointError);
    }
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 2000; trial++) {
      const mutated = real.slice();
      mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      try {
        unpickleRestricted(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(TorchCheckpointError);
      }
    }
  });
});
