import {
  DTYPES,
  MODEL_DTYPES,
  mappingTensorBytes,
  type FloatArray,
  type GradiendModel,
} from '@gradiend/core';
import type { ParamRow } from '../schemas/analysis.js';

/**
 * Per parameter: its selection and the importance of its selected entries. `stored_bytes` counts
 * the encoder and decoder weights (and decoder bias) for its dims plus its mapping storage.
 */
export function paramRows(model: GradiendModel, importance: FloatArray): ParamRow[] {
  const a = model.architecture;
  const elem = DTYPES[MODEL_DTYPES[a.dtype]].itemSize;
  const perDim = elem * (2 * a.latentDim + (a.biasDecoder ? 1 : 0));
  return model.paramMap.entries.map((e, i) => {
    const start = model.paramMap.inputOffset(i);
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
      stored_bytes: e.numSelected * perDim + mappingTensorBytes(e.repr, e.numel, e.numSelected),
      importance_sum: sum,
      importance_max: e.numSelected > 0 ? max : null,
      importance_mean: e.numSelected > 0 ? sum / e.numSelected : null,
    };
  });
}
