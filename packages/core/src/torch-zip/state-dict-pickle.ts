import { TorchCheckpointError } from '../errors.js';
import type { TorchTensorRef } from './pickle-values.js';
import { describeValue } from './pickle-values.js';
import { unpickleRestricted } from './restricted-unpickler.js';

export interface TorchStateDictEntry {
  readonly name: string;
  readonly tensor: TorchTensorRef;
}

/**
 * Unpickles a `data.pkl` holding a tensor state dict (an `OrderedDict` or plain `dict` from str to
 * tensor) into its entries in pickle order. Tensors stay references to storages; no data is read.
 */
export function parseStateDictPickle(bytes: Uint8Array): TorchStateDictEntry[] {
  const root = unpickleRestricted(bytes);
  if (root === null || typeof root !== 'object' || root.kind !== 'dict') {
    throw new TorchCheckpointError(`checkpoint pickle holds ${describeValue(root)}, not a state dict`);
  }
  const entries: TorchStateDictEntry[] = [];
  for (const [name, value] of root.entries) {
    if (typeof name !== 'string') {
      throw new TorchCheckpointError(`state dict key ${String(name)} is not a string`);
    }
    if (value === null || typeof value !== 'object' || value.kind !== 'tensor') {
      throw new TorchCheckpointError(
        `state dict entry '${name}' holds ${describeValue(value)}, not a tensor`,
      );
    }
    entries.push({ name, tensor: value });
  }
  return entries;
}
