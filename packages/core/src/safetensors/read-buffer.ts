import type { Tensor } from '../tensor/tensor.js';
import { assertLittleEndianHost } from './host-endianness.js';
import { missingTensor } from './missing-tensor.js';
import { parseSafetensorsHeader } from './parse-header.js';
import { typedDataFromBytes } from './tensor-bytes.js';
import type { SafetensorsHeader, SafetensorsTensorInfo } from './types.js';

/** A whole safetensors file held in memory. Tensors view its bytes where alignment allows. */
export interface SafetensorsBuffer {
  readonly header: SafetensorsHeader;
  /** Throws SafetensorsFormatError (rule 'missing-tensor') for an unknown name. */
  get(name: string): Tensor;
  /** Every tensor, in header order. */
  tensors(): Map<string, Tensor>;
}

export function readSafetensorsBuffer(bytes: Uint8Array): SafetensorsBuffer {
  assertLittleEndianHost();
  const header = parseSafetensorsHeader(bytes, bytes.byteLength);
  const toTensor = (info: SafetensorsTensorInfo): Tensor => {
    const start = header.dataStart + info.begin;
    const data = typedDataFromBytes(info.dtype, bytes.subarray(start, start + info.byteLength));
    return { dtype: info.dtype, shape: [...info.shape], data };
  };
  return {
    header,
    get(name) {
      const info = header.byName.get(name);
      if (info === undefined) throw missingTensor(name, header);
      return toTensor(info);
    },
    tensors() {
      return new Map(header.tensors.map((info) => [info.name, toTensor(info)]));
    },
  };
}
