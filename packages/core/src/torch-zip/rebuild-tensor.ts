import { TorchCheckpointError } from '../errors.js';
import type { PickleValue, TorchStorageRef, TorchTensorRef } from './pickle-values.js';
import { describeValue } from './pickle-values.js';

function fail(message: string): never {
  throw new TorchCheckpointError(message);
}

function nonNegativeInt(value: PickleValue | undefined, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const shown =
    typeof value === 'number' || typeof value === 'bigint' ? String(value) : describeValue(value ?? null);
  return fail(`${what} must be a non-negative integer, got ${shown}`);
}

function intTuple(value: PickleValue | undefined, what: string): number[] {
  if (value === undefined || value === null || typeof value !== 'object' || value.kind !== 'tuple') {
    return fail(`${what} must be a tuple of ints, got ${describeValue(value ?? null)}`);
  }
  return value.items.map((item, i) => nonNegativeInt(item, `${what}[${i}]`));
}

/** Resolves a BINPERSID id `('storage', <storage class>, key, location, numel)` to a storage reference. */
export function storageFromPersistentId(pid: PickleValue): TorchStorageRef {
  if (pid === null || typeof pid !== 'object' || pid.kind !== 'tuple') {
    return fail(`persistent id must be a tuple, got ${describeValue(pid)}`);
  }
  const [tag, storageClass, key, location, numel] = pid.items;
  if (pid.items.length !== 5 || tag !== 'storage') {
    return fail(
      `persistent id must be ('storage', class, key, location, numel), got a ${pid.items.length}-tuple`,
    );
  }
  if (
    storageClass === undefined ||
    storageClass === null ||
    typeof storageClass !== 'object' ||
    storageClass.kind !== 'global' ||
    storageClass.global.kind !== 'storage-class'
  ) {
    return fail(`persistent id names ${describeValue(storageClass ?? null)} where a storage class belongs`);
  }
  if (typeof key !== 'string' || key.length === 0 || key.includes('/')) {
    return fail(`persistent id storage key must be a plain name, got ${JSON.stringify(key ?? null)}`);
  }
  if (typeof location !== 'string') {
    return fail(`persistent id location must be a string, got ${describeValue(location ?? null)}`);
  }
  return {
    kind: 'storage',
    key,
    storageClass: storageClass.global.name,
    dtype: storageClass.global.dtype,
    location,
    numel: nonNegativeInt(numel, `numel of storage '${key}'`),
  };
}

function checkedNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) fail(`tensor shape [${shape.join(', ')}] has too many elements`);
  }
  return n;
}

/**
 * Emulates `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 * backward_hooks[, metadata])` by recording the arguments after checking they describe a tensor
 * that lies inside its storage.
 */
export function rebuildTensorV2(args: PickleValue): TorchTensorRef {
  if (args === null || typeof args !== 'object' || args.kind !== 'tuple') {
    return fail(`_rebuild_tensor_v2 needs an argument tuple, got ${describeValue(args)}`);
  }
  const count = args.items.length;
  if (count !== 6 && count !== 7) return fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${count}`);
  const [storage, offsetArg, sizeArg, strideArg, requiresGrad, hooks] = args.items;
  if (
    storage === undefined ||
    storage === null ||
    typeof storage !== 'object' ||
    storage.kind !== 'storage'
  ) {
    return fail(
      `_rebuild_tensor_v2 needs a storage as first argument, got ${describeValue(storage ?? null)}`,
    );
  }
  const storageOffset = nonNegativeInt(offsetArg, 'storage_offset');
  const shape = intTuple(sizeArg, 'size');
  const stride = intTuple(strideArg, 'stride');
  if (stride.length !== shape.length) {
    return fail(`stride has ${stride.length} dims but size has ${shape.length}`);
  }
  if (typeof requiresGrad !== 'boolean') {
    return fail(`requires_grad must be a bool, got ${describeValue(requiresGrad ?? null)}`);
  }
  if (hooks === undefined || hooks === null || typeof hooks !== 'object' || hooks.kind !== 'dict') {
    return fail(`backward_hooks must be an OrderedDict, got ${describeValue(hooks ?? null)}`);
  }
  if (hooks.entries.size > 0) return fail('tensors with backward hooks are not supported');

  const numel = checkedNumel(shape);
  if (numel > 0) {
    let last = storageOffset;
    shape.forEach((d, i) => {
      last += (d - 1) * (stride[i] ?? 0);
    });
    if (!Number.isSafeInteger(last) || last >= storage.numel) {
      return fail(
        `tensor of size [${shape.join(', ')}], stride [${stride.join(', ')}] at offset ${storageOffset} ` +
          `reaches element ${last} of storage '${storage.key}' with ${storage.numel} elements`,
      );
    }
  } else if (storageOffset > storage.numel) {
    return fail(
      `storage_offset ${storageOffset} lies beyond storage '${storage.key}' (${storage.numel} elements)`,
    );
  }
  return { kind: 'tensor', storage, storageOffset, shape, stride, requiresGrad };
}
