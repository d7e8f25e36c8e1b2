// Test-only builders for hand-assembled pickles and zips (imported by *.test.ts only).
import { deflateRawSync } from 'node:zlib';

type Part = number | Uint8Array | readonly Part[];

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** Concatenates opcodes and operands into pickle bytes. */
export function pickle(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  const add = (part: Part): void => {
    if (typeof part === 'number') out.push(part);
    else for (const inner of part) add(inner);
  };
  parts.forEach(add);
  return Uint8Array.from(out);
}

export const op = {
  proto: (version = 2) => [0x80, version],
  global: (module: string, name: string) => [0x63, ...utf8(`${module}\n${name}\n`)],
  str: (text: string) => {
    const bytes = utf8(text);
    return [0x58, ...u32(bytes.length), ...bytes];
  },
  int: (n: number) => (n >= 0 && n < 256 ? [0x4b, n] : [0x4a, ...u32(n)]),
  put: (index: number) => [0x71, index],
  get: (index: number) => [0x68, index],
  mark: 0x28,
  tuple: 0x74,
  tuple1: 0x85,
  tuple2: 0x86,
  tuple3: 0x87,
  emptyTuple: 0x29,
  emptyDict: 0x7d,
  emptyList: 0x5d,
  newFalse: 0x89,
  newTrue: 0x88,
  none: 0x4e,
  reduce: 0x52,
  build: 0x62,
  binpersid: 0x51,
  setitem: 0x73,
  setitems: 0x75,
  append: 0x61,
  appends: 0x65,
  stop: 0x2e,
} as const;

export interface TensorSpec {
  readonly name: string;
  readonly storageClass: string;
  readonly key: string;
  readonly storageNumel: number;
  readonly shape: readonly number[];
  readonly stride?: readonly number[];
  readonly offset?: number;
}

function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) stride[i] = (stride[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return stride;
}

const intTuple = (values: readonly number[]): number[] => [op.mark, ...values.flatMap(op.int), op.tuple];

/** The pickle torch.save writes for a state dict, minus memo reuse (which the fixtures cover). */
export function stateDictPickle(tensors: readonly TensorSpec[], ordered = true): Uint8Array {
  const head = ordered
    ? [...op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce]
    : [op.emptyDict];
  const items = tensors.flatMap((t) => [
    ...op.str(t.name),
    ...op.global('torch._utils', '_rebuild_tensor_v2'),
    op.mark,
    op.mark,
    ...op.str('storage'),
    ...op.global('torch', t.storageClass),
    ...op.str(t.key),
    ...op.str('cpu'),
    ...op.int(t.storageNumel),
    op.tuple,
    op.binpersid,
    ...op.int(t.offset ?? 0),
    ...intTuple(t.shape),
    ...intTuple(t.stride ?? contiguousStride(t.shape)),
    op.newFalse,
    ...op.global('collections', 'OrderedDict'),
    op.emptyTuple,
    op.reduce,
    op.tuple,
    op.reduce,
  ]);
  return pickle(op.proto(2), head, op.mark, items, op.setitems, op.stop);
}

export interface ZipEntrySpec {
  readonly name: string;
  readonly data: Uint8Array;
  readonly deflate?: boolean;
  /** Write this compression method instead of the real one (to test refusals). */
  readonly method?: number;
  /** Declare this uncompressed size instead of the real one (to test lying headers). */
  readonly declaredSize?: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];

/** A minimal zip (no zip64, no data descriptors) with STORED or deflated entries. */
export function buildZip(entries: readonly ZipEntrySpec[]): Uint8Array {
  const local: number[] = [];
  const central: number[] = [];
  for (const entry of entries) {
    const body = entry.deflate === true ? new Uint8Array(deflateRawSync(entry.data)) : entry.data;
    const method = entry.method ?? (entry.deflate === true ? 8 : 0);
    const name = utf8(entry.name);
    const common = [
      ...u16(20),
      ...u16(0x0800),
      ...u16(method),
      ...u16(0),
      ...u16(0x21),
      ...u32(crc32(entry.data)),
      ...u32(body.length),
      ...u32(entry.declaredSize ?? entry.data.length),
      ...u16(name.length),
      ...u16(0),
    ];
    const offset = local.length;
    local.push(...u32(0x04034b50), ...common, ...name, ...body);
    central.push(...u32(0x02014b50), ...u16(20), ...common, ...u16(0), ...u16(0), ...u16(0), ...u32(0));
    central.push(...u32(offset), ...name);
  }
  const end = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(central.length),
    ...u32(local.length),
    ...u16(0),
  ];
  return Uint8Array.from([...local, ...central, ...end]);
}

export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
