import type { DType } from '../tensor/dtype.js';
import type { SafetensorsHeader } from './types.js';

export interface DTypeTotals {
  readonly tensors: number;
  readonly parameters: number;
  readonly bytes: number;
}

/** What a listing of a file shows besides its tensors: counts in total and per dtype. */
export interface SafetensorsSummary {
  readonly tensorCount: number;
  readonly parameterCount: number;
  readonly dataBytes: number;
  readonly byDType: Partial<Record<DType, DTypeTotals>>;
}

export function summarizeSafetensors(header: SafetensorsHeader): SafetensorsSummary {
  const byDType: Partial<Record<DType, DTypeTotals>> = {};
  let parameterCount = 0;
  let dataBytes = 0;
  for (const t of header.tensors) {
    const prev = byDType[t.dtype] ?? { tensors: 0, parameters: 0, bytes: 0 };
    byDType[t.dtype] = {
      tensors: prev.tensors + 1,
      parameters: prev.parameters + t.numel,
      bytes: prev.bytes + t.byteLength,
    };
    parameterCount += t.numel;
    dataBytes += t.byteLength;
  }
  return { tensorCount: header.tensors.length, parameterCount, dataBytes, byDType };
}
