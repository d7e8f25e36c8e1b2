import { TorchCheckpointError } from '../errors.js';
import { ByteCursor } from './byte-cursor.js';
import { describeOpcode, OP } from './pickle-opcodes.js';
import type { PickleDict, PickleDictKey, PickleValue } from './pickle-values.js';
import { describeValue } from './pickle-values.js';
import { rebuildTensorV2, storageFromPersistentId } from './rebuild-tensor.js';
import { lookupAllowedGlobal } from './torch-globals.js';

const HIGHEST_PROTOCOL = 5;
const MAX_GLOBAL_LINE = 256;

/**
 * Runs a pickle with a tiny allowlisted subset of the pickle machine: enough for a torch state dict
 * (dicts, tuples, strings, ints, storages, `_rebuild_tensor_v2`) and nothing else. Globals are
 * matched against an allowlist and replaced by inert tags; nothing named in the pickle is ever
 * imported, resolved or executed. Any other opcode or global throws TorchCheckpointError.
 */
export function unpickleRestricted(bytes: Uint8Array): PickleValue {
  return new RestrictedUnpickler(bytes).run();
}

function newDict(ordered: boolean): PickleDict {
  return { kind: 'dict', ordered, entries: new Map(), attributes: new Map() };
}

function intFromSignedLittleEndian(raw: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i] ?? 0);
  if (raw.length > 0 && ((raw[raw.length - 1] ?? 0) & 0x80) !== 0) value -= 1n << BigInt(8 * raw.length);
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

class RestrictedUnpickler {
  private readonly cursor: ByteCursor;
  private stack: PickleValue[] = [];
  private readonly metastack: PickleValue[][] = [];
  private readonly memo = new Map<number, PickleValue>();
  private opName = '';
  private opOffset = 0;

  constructor(bytes: Uint8Array) {
    this.cursor = new ByteCursor(bytes);
  }

  private fail(message: string): never {
    throw new TorchCheckpointError(`${message} (${this.opName} at pickle offset ${this.opOffset})`);
  }

  private pop(): PickleValue {
    const value = this.stack.pop();
    if (value === undefined) {
      return this.fail(this.metastack.length > 0 ? 'stack underflow below a MARK' : 'stack underflow');
    }
    return value;
  }

  private top(): PickleValue {
    const value = this.stack[this.stack.length - 1];
    if (value === undefined) return this.fail('stack underflow');
    return value;
  }

  private popMark(): PickleValue[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (outer === undefined) return this.fail('no MARK on the stack');
    this.stack = outer;
    return items;
  }

  private topDict(): PickleDict {
    const target = this.top();
    if (target === null || typeof target !== 'object' || target.kind !== 'dict') {
      return this.fail(`expected a dict on the stack, found ${describeValue(target)}`);
    }
    return target;
  }

  private dictKey(key: PickleValue): PickleDictKey {
    if (key === null || typeof key !== 'object') return key;
    return this.fail(`unsupported dict key of type ${describeValue(key)}`);
  }

  private memoGet(index: number): void {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`memo has no entry ${index}`);
    this.stack.push(value);
  }

  private global(): void {
    const module = this.cursor.line('GLOBAL module', MAX_GLOBAL_LINE);
    const name = this.cursor.line('GLOBAL name', MAX_GLOBAL_LINE);
    const allowed = lookupAllowedGlobal(module, name);
    if (allowed === undefined) this.fail(`pickle global '${module}.${name}' is not allowed`);
    this.stack.push({ kind: 'global', global: allowed });
  }

  private reduce(): void {
    const args = this.pop();
    const callable = this.pop();
    if (callable === null || typeof callable !== 'object' || callable.kind !== 'global') {
      return this.fail(`REDUCE on ${describeValue(callable)} is not allowed`);
    }
    if (callable.global.kind !== 'callable') {
      return this.fail(`calling ${describeValue(callable)} is not allowed`);
    }
    if (callable.global.name === 'collections.OrderedDict') {
      if (args === null || typeof args !== 'object' || args.kind !== 'tuple' || args.items.length !== 0) {
        return this.fail('OrderedDict is only supported with no arguments');
      }
      this.stack.push(newDict(true));
      return;
    }
    try {
      this.stack.push(rebuildTensorV2(args));
    } catch (error) {
      if (error instanceof TorchCheckpointError) this.fail(error.message);
      throw error;
    }
  }

  private persistentLoad(): void {
    const pid = this.pop();
    try {
      this.stack.push(storageFromPersistentId(pid));
    } catch (error) {
      if (error instanceof TorchCheckpointError) this.fail(error.message);
      throw error;
    }
  }

  // BUILD appears when torch.save pickles an OrderedDict state dict with its `_metadata` attribute.
  private build(): void {
    const state = this.pop();
    const target = this.topDict();
    if (state === null || typeof state !== 'object' || state.kind !== 'dict') {
      return this.fail(`BUILD with ${describeValue(state)} state is not supported`);
    }
    for (const [key, value] of state.entries) target.attributes.set(key, value);
  }

  private setItems(items: readonly PickleValue[]): void {
    if (items.length % 2 !== 0) this.fail('SETITEMS needs key/value pairs');
    const target = this.topDict();
    for (let i = 0; i < items.length; i += 2) {
      target.entries.set(this.dictKey(items[i] ?? null), items[i + 1] ?? null);
    }
  }

  private appendItems(items: readonly PickleValue[]): void {
    const target = this.top();
    if (target === null || typeof target !== 'object' || target.kind !== 'list') {
      return this.fail(`expected a list on the stack, found ${describeValue(target)}`);
    }
    for (const item of items) target.items.push(item);
  }

  private pushTuple(items: PickleValue[]): void {
    this.stack.push({ kind: 'tuple', items });
  }

  run(): PickleValue {
    const c = this.cursor;
    for (;;) {
      this.opOffset = c.offset;
      this.opName = 'opcode';
      if (c.remaining === 0) this.fail('pickle ended without STOP');
      const code = c.u8('opcode');
      this.opName = describeOpcode(code);
      switch (code) {
        case OP.PROTO: {
          const version = c.u8('protocol version');
          if (version > HIGHEST_PROTOCOL) this.fail(`unsupported pickle protocol ${version}`);
          break;
        }
        case OP.FRAME: {
          const length = c.u64('frame length');
          if (length > BigInt(c.remaining)) this.fail(`frame of ${length} bytes exceeds the pickle`);
          break;
        }
        case OP.STOP:
          return this.pop();
        case OP.MARK:
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case OP.EMPTY_DICT:
          this.stack.push(newDict(false));
          break;
        case OP.EMPTY_LIST:
          this.stack.push({ kind: 'list', items: [] });
          break;
        case OP.EMPTY_TUPLE:
          this.pushTuple([]);
          break;
        case OP.TUPLE:
          this.pushTuple(this.popMark());
          break;
        case OP.TUPLE1: {
          const a = this.pop();
          this.pushTuple([a]);
          break;
        }
        case OP.TUPLE2: {
          const b = this.pop();
          const a = this.pop();
          this.pushTuple([a, b]);
          break;
        }
        case OP.TUPLE3: {
          const cc = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.pushTuple([a, b, cc]);
          break;
        }
        case OP.NONE:
          this.stack.push(null);
          break;
        case OP.NEWTRUE:
          this.stack.push(true);
          break;
        case OP.NEWFALSE:
          this.stack.push(false);
          break;
        case OP.BININT:
          this.stack.push(c.i32('BININT operand'));
          break;
        case OP.BININT1:
          this.stack.push(c.u8('BININT1 operand'));
          break;
        case OP.BININT2:
          this.stack.push(c.u16('BININT2 operand'));
          break;
        case OP.LONG1: {
          const length = c.u8('LONG1 length');
          this.stack.push(intFromSignedLittleEndian(c.bytesOf(length, 'LONG1 operand')));
          break;
        }
        case OP.BINFLOAT:
          this.stack.push({ kind: 'float', value: c.f64BigEndian('BINFLOAT operand') });
          break;
        case OP.BINUNICODE:
          this.stack.push(c.utf8(c.u32('BINUNICODE length'), 'BINUNICODE string'));
          break;
        case OP.SHORT_BINUNICODE:
          this.stack.push(c.utf8(c.u8('SHORT_BINUNICODE length'), 'SHORT_BINUNICODE string'));
          break;
        // torch.load reads Python 2 byte strings with encoding='utf-8'; we do the same.
        case OP.BINSTRING: {
          const length = c.i32('BINSTRING length');
          if (length < 0) this.fail(`negative BINSTRING length ${length}`);
          this.stack.push(c.utf8(length, 'BINSTRING string'));
          break;
        }
        case OP.SHORT_BINSTRING:
          this.stack.push(c.utf8(c.u8('SHORT_BINSTRING length'), 'SHORT_BINSTRING string'));
          break;
        case OP.GLOBAL:
          this.global();
          break;
        case OP.REDUCE:
          this.reduce();
          break;
        case OP.BUILD:
          this.build();
          break;
        case OP.BINPERSID:
          this.persistentLoad();
          break;
        case OP.BINPUT:
          this.memo.set(c.u8('BINPUT index'), this.top());
          break;
        case OP.LONG_BINPUT:
          this.memo.set(c.u32('LONG_BINPUT index'), this.top());
          break;
        case OP.MEMOIZE:
          this.memo.set(this.memo.size, this.top());
          break;
        case OP.BINGET:
          this.memoGet(c.u8('BINGET index'));
          break;
        case OP.LONG_BINGET:
          this.memoGet(c.u32('LONG_BINGET index'));
          break;
        case OP.SETITEM: {
          const value = this.pop();
          const key = this.pop();
          this.topDict().entries.set(this.dictKey(key), value);
          break;
        }
        case OP.SETITEMS:
          this.setItems(this.popMark());
          break;
        case OP.APPEND:
          this.appendItems([this.pop()]);
          break;
        case OP.APPENDS:
          this.appendItems(this.popMark());
          break;
        default:
          throw new TorchCheckpointError(
            `unsupported pickle opcode ${this.opName} at pickle offset ${this.opOffset}`,
          );
      }
    }
  }
}
