import type { DType } from '../tensor/dtype.js';

/** Storage classes a state dict may name, and the dtype of their raw little-endian data. */
export const STORAGE_DTYPES = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
} as const satisfies Record<string, DType>;

export type StorageClassName = keyof typeof STORAGE_DTYPES;

export type CallableGlobalName = 'collections.OrderedDict' | 'torch._utils._rebuild_tensor_v2';

/** A global the unpickler allows: a callable it emulates, or a storage class (a dtype tag). */
export type AllowedGlobal =
  | { readonly kind: 'callable'; readonly name: CallableGlobalName }
  | { readonly kind: 'storage-class'; readonly name: StorageClassName; readonly dtype: DType };

// Matched on the exact (module, name) pair as written by torch.save, never on a dotted join,
// so that e.g. module `torch` with name `_utils._rebuild_tensor_v2` is not let through.
const CALLABLES: ReadonlyMap<string, CallableGlobalName> = new Map([
  ['collections\nOrderedDict', 'collections.OrderedDict'],
  ['torch._utils\n_rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v2'],
]);

function isStorageClassName(name: string): name is StorageClassName {
  return Object.prototype.hasOwnProperty.call(STORAGE_DTYPES, name);
}

/** The allowlisted global for `module`/`name`, or undefined: nothing is ever imported or resolved. */
export function lookupAllowedGlobal(module: string, name: string): AllowedGlobal | undefined {
  const callable = CALLABLES.get(`${module}\n${name}`);
  if (callable !== undefined) return { kind: 'callable', name: callable };
  if (module === 'torch' && isStorageClassName(name)) {
    return { kind: 'storage-class', name, dtype: STORAGE_DTYPES[name] };
  }
  return undefined;
}
