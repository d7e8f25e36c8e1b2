import { TorchCheckpointError } from '../errors.js';
import type { DataTypeMap, DType } from '../tensor/dtype.js';
import { DTYPES } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { numelOf, tensor } from '../tensor/tensor.js';
import type { TorchTensorRef } from './pickle-values.js';

// Storages are raw little-endian bytes that we view in place with typed arrays.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface MaterialiseOptions {
  /** Copy even a contiguous tensor out of its storage, e.g. because other tensors share the storage. */
  readonly copy?: boolean;
}

function viewAs<T extends DType>(dtype: T, bytes: Uint8Array, length: number): DataTypeMap[T] {
  return DTYPES[dtype].view(bytes.buffer, bytes.byteOffset, length);
}

/** True when elements lie in row-major order with no gaps; strides of size-1 dims do not matter (as in torch). */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i] ?? 0;
    if (size === 0) return true;
    if (size !== 1 && stride[i] !== expected) return false;
    expected *= size;
  }
  return true;
}

function gatherStrided(
  ref: TorchTensorRef,
  storage: Uint8Array,
  itemSize: number,
  numel: number,
): Uint8Array {
  const { shape, stride } = ref;
  const out = new Uint8Array(numel * itemSize);
  const index = new Array<number>(shape.length).fill(0);
  let src = ref.storageOffset;
  for (let n = 0; n < numel; n++) {
    const from = src * itemSize;
    const to = n * itemSize;
    for (let b = 0; b < itemSize; b++) out[to + b] = storage[from + b] ?? 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const size = shape[d] ?? 1;
      const step = stride[d] ?? 0;
      const next = (index[d] ?? 0) + 1;
      if (next < size) {
        index[d] = next;
        src += step;
        break;
      }
      index[d] = 0;
      src -= step * (size - 1);
    }
  }
  return out;
}

/**
 * Builds a dense row-major Tensor from a tensor reference and the bytes of its whole storage.
 * Contiguous tensors view the storage in place unless `copy` is set; strided ones (transposes,
 * expanded dims) are gathered into a fresh buffer.
 */
export function materialiseTensor(
  ref: TorchTensorRef,
  storage: Uint8Array,
  options: MaterialiseOptions = {},
): Tensor {
  if (!HOST_IS_LITTLE_ENDIAN)
    throw new TorchCheckpointError('reading torch storages needs a little-endian host');
  const { dtype, key, numel: storageNumel } = ref.storage;
  const itemSize = DTYPES[dtype].itemSize;
  if (storage.byteLength !== storageNumel * itemSize) {
    throw new TorchCheckpointError(
      `storage '${key}' has ${storage.byteLength} bytes but ${storageNumel} × ${dtype} needs ${storageNumel * itemSize}`,
    );
  }
  const numel = numelOf(ref.shape);
  const last = ref.storageOffset + numel;
  if (numel > 0 && isContiguous(ref.shape, ref.stride)) {
    if (last > storageNumel) {
      throw new TorchCheckpointError(
        `tensor on storage '${key}' reaches element ${last - 1} of ${storageNumel}`,
      );
    }
    let bytes = storage.subarray(ref.storageOffset * itemSize, last * itemSize);
    // A typed view needs its byte offset aligned to the item size; a copy always is.
    if (options.copy === true || bytes.byteOffset % itemSize !== 0) bytes = bytes.slice();
    return tensor(dtype, ref.shape, viewAs(dtype, bytes, numel));
  }
  if (numel === 0) return tensor(dtype, ref.shape, DTYPES[dtype].create(0));
  let extent = ref.storageOffset;
  ref.shape.forEach((size, i) => (extent += (size - 1) * (ref.stride[i] ?? 0)));
  if (extent >= storageNumel) {
    throw new TorchCheckpointError(
      `strided tensor on storage '${key}' reaches element ${extent} of ${storageNumel}`,
    );
  }
  return tensor(dtype, ref.shape, viewAs(dtype, gatherStrided(ref, storage, itemSize, numel), numel));
}
