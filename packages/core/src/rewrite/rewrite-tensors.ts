import type { Tensor } from '../tensor/tensor.js';
import type { SafetensorsTensorInfo } from '../safetensors/types.js';
import { numelOf } from '../tensor/tensor.js';
import { DTYPES } from '../tensor/dtype.js';
import { addInDType } from './add-in-dtype.js';
import type { BaseModelFiles } from './base-model-files.js';
import type { GradiendWeightSource } from './gradiend-weight-source.js';
import { isRewritableDType } from './rewrite-plan.js';
import { prepareRewrite, scaledDelta } from './rewrite-base-model.js';
import type { RewriteOptions } from './rewrite-base-model.js';

/** Header-like infos of tensors held in memory, so the file planner can place updates onto them. */
function infosOf(tensors: ReadonlyMap<string, Tensor>): BaseModelFiles {
  const map = new Map<string, { shard: number; info: SafetensorsTensorInfo }>();
  for (const [name, t] of tensors) {
    const numel = numelOf(t.shape);
    const byteLength = numel * DTYPES[t.dtype].itemSize;
    map.set(name, {
      shard: 0,
      info: { name, dtype: t.dtype, shape: [...t.shape], begin: 0, end: byteLength, numel, byteLength },
    });
  }
  return { kind: 'file', root: '', shards: [], tensors: map, totalBytes: 0 };
}

/**
 * The rewrite of base weights held in memory (small bases, e.g. an ONNX model's initializers):
 * returns rewritten copies of the tensors that change, the inputs untouched. Same planning, dtype
 * handling and errors as rewriteBaseModel.
 */
export async function rewriteTensors(
  source: GradiendWeightSource,
  tensors: ReadonlyMap<string, Tensor>,
  options: RewriteOptions,
): Promise<Map<string, Tensor>> {
  const prepared = prepareRewrite(source, infosOf(tensors), options);
  const out = new Map<string, Tensor>();
  for (const [name, updates] of prepared.plan.byTensor) {
    const t = tensors.get(name) as Tensor;
    if (!isRewritableDType(t.dtype)) continue;
    const data = t.data.slice();
    for (const u of updates) addInDType(t.dtype, data, u.positions, await scaledDelta(prepared, u));
    out.set(name, { dtype: t.dtype, shape: t.shape, data });
  }
  return out;
}
