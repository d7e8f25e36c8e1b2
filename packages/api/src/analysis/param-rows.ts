import {
  DTYPES,
  MODEL_DTYPES,
  isModelDType,
  mappingTensorBytes,
  type ImportanceSummary,
} from '@gradiend/core';
import type { ParamRow } from '../schemas/analysis.js';
import type { CheckpointSummary } from '../schemas/registry.js';

/**
 * Per parameter: its selection and the importance of its selected entries (over finite values,
 * from the cached summary). `stored_bytes` counts the encoder and decoder weights (and decoder
 * bias) for its dims plus its mapping storage.
 */
export function paramRows(version: CheckpointSummary, importance: ImportanceSummary): ParamRow[] {
  const a = version.architecture;
  const elem = isModelDType(a.dtype) ? DTYPES[MODEL_DTYPES[a.dtype]].itemSize : 4;
  const perDim = elem * (2 * a.latent_dim + (a.bias_decoder ? 1 : 0));
  return version.param_map.map((e, i) => {
    const s = importance.segments[i];
    const finite = s ? s.length - s.nan - s.posInf - s.negInf : 0;
    return {
      name: e.name,
      shape: [...e.shape],
      numel: e.numel,
      repr: e.repr,
      selected: e.num_selected,
      coverage: e.numel === 0 ? 0 : e.num_selected / e.numel,
      stored_bytes: e.num_selected * perDim + mappingTensorBytes(e.repr, e.numel, e.num_selected),
      importance_sum: s?.sum ?? 0,
      importance_max: s?.max ?? null,
      importance_min: s?.min ?? null,
      importance_mean: s && finite > 0 ? s.sum / finite : null,
    };
  });
}
