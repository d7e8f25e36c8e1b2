import type { FloatArray, GradiendModel } from '@gradiend/core';
import type { ParamRow } from '../workers/task-types.js';

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };

/** Start of each parameter's block in input space (entries are laid out in param-map order). */
export function inputOffsets(model: GradiendModel): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const e of model.paramMap.entries) {
    offsets.push(at);
    at += e.numSelected;
  }
  return offsets;
}

function mappingBytes(repr: string, numel: number, selected: number): number {
  if (repr === 'mask') return numel;
  if (repr === 'indices') return selected * (numel > 2 ** 31 - 1 ? 8 : 4);
  return 0;
}

/**
 * Per parameter: its selection and the importance of its selected entries. `stored_bytes` counts
 * the encoder and decoder weights (and decoder bias) for its dims plus its mapping storage.
 */
export function paramRows(model: GradiendModel, importance: FloatArray): ParamRow[] {
  const a = model.architecture;
  const elem = DTYPE_BYTES[a.dtype] ?? 4;
  const perDim = elem * (2 * a.latentDim + (a.biasDecoder ? 1 : 0));
  const offsets = inputOffsets(model);
  return model.paramMap.entries.map((e, i) => {
    const start = offsets[i] ?? 0;
    let sum = 0;
    let max = -Infinity;
    for (let j = start; j < start + e.numSelected; j++) {
      const v = importance[j] ?? 0;
      sum += v;
      if (v > max) max = v;
    }
    return {
      name: e.name,
      shape: [...e.shape],
      numel: e.numel,
      repr: e.repr,
      selected: e.numSelected,
      coverage: e.numel === 0 ? 0 : e.numSelected / e.numel,
      stored_bytes: e.numSelected * perDim + mappingBytes(e.repr, e.numel, e.numSelected),
      importance_sum: sum,
      importance_max: e.numSelected > 0 ? max : null,
      importance_mean: e.numSelected > 0 ? sum / e.numSelected : null,
    };
  });
}
