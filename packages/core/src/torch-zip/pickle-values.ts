import type { DType } from '../tensor/dtype.js';
import type { AllowedGlobal, StorageClassName } from './torch-globals.js';

/** Python ints become numbers when they are safe integers, bigints otherwise. */
export type PickleInt = number | bigint;

/** Python floats are boxed so that `1.0` is never mistaken for the int `1`. */
export interface PickleFloat {
  readonly kind: 'float';
  readonly value: number;
}

/** Hashable values we accept as dict keys. */
export type PickleDictKey = string | number | bigint | boolean | null;

export interface PickleTuple {
  readonly kind: 'tuple';
  readonly items: readonly PickleValue[];
}

export interface PickleList {
  readonly kind: 'list';
  readonly items: PickleValue[];
}

/** A `dict` or `collections.OrderedDict`; `attributes` holds instance state set by BUILD (e.g. `_metadata`). */
export interface PickleDict {
  readonly kind: 'dict';
  readonly ordered: boolean;
  readonly entries: Map<PickleDictKey, PickleValue>;
  readonly attributes: Map<PickleDictKey, PickleValue>;
}

export interface PickleGlobal {
  readonly kind: 'global';
  readonly global: AllowedGlobal;
}

/** A storage named by a persistent id `('storage', <class>, key, location, numel)`. */
export interface TorchStorageRef {
  readonly kind: 'storage';
  readonly key: string;
  readonly storageClass: StorageClassName;
  readonly dtype: DType;
  readonly location: string;
  /** Number of elements (not bytes) in the storage. */
  readonly numel: number;
}

/** A tensor as described by `torch._utils._rebuild_tensor_v2`; strides and offset count elements. */
export interface TorchTensorRef {
  readonly kind: 'tensor';
  readonly storage: TorchStorageRef;
  readonly storageOffset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly requiresGrad: boolean;
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleFloat
  | PickleTuple
  | PickleList
  | PickleDict
  | PickleGlobal
  | TorchStorageRef
  | TorchTensorRef;

export function describeValue(value: PickleValue): string {
  if (value === null) return 'None';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    default:
      break;
  }
  switch (value.kind) {
    case 'global':
      return `global ${value.global.kind === 'callable' ? value.global.name : `torch.${value.global.name}`}`;
    case 'dict':
      return value.ordered ? 'OrderedDict' : 'dict';
    default:
      return value.kind;
  }
}
