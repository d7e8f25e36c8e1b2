import type { JsonValue } from '../json/index.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { remapParamMap } from '../model/prune-remap.js';
import type { GradiendArchitecture } from '../model/types.js';
import { weightLayout } from '../model/weight-layout.js';
import { DTYPES, MODEL_DTYPES } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildModel } from './assemble-model.js';
import type { CheckpointConfig } from './checkpoint-config.js';

/** What a checkpoint's headers give: everything a prune's result depends on but the weight data. */
export interface PruneStandInSource {
  readonly config: CheckpointConfig;
  readonly architecture: GradiendArchitecture;
  readonly paramMap: ParamMap;
  readonly training: JsonValue | null;
}

/**
 * A stand-in for the model `prune` returns when it keeps `kept[i]` input dims of parameter i:
 * all-zero weights, each parameter keeping its first selected positions. Which positions survive
 * changes no size — weights, mapping tensors, safetensors headers and config.json all depend only
 * on the counts — so `planCheckpoint` of the stand-in has exactly the sizes of the real prune's
 * checkpoint. The zero weights are fresh allocations nothing writes (the OS backs them lazily).
 */
export function pruneStandIn(source: PruneStandInSource, kept: readonly number[]): GradiendModel {
  const map = source.paramMap;
  if (kept.length !== map.entries.length) {
    throw new RangeError(
      `kept must have one count per parameter (${map.entries.length}), got ${kept.length}`,
    );
  }
  let total = 0;
  map.entries.forEach((e, i) => {
    const k = kept[i] as number;
    if (!Number.isInteger(k) || k < 0 || k > e.numSelected) {
      throw new RangeError(`kept[${i}] must be an integer in [0, ${e.numSelected}], got ${k}`);
    }
    total += k;
  });
  const keep = new Int32Array(total);
  let j = 0;
  map.entries.forEach((_, i) => {
    const offset = map.inputOffset(i);
    for (let p = 0; p < (kept[i] as number); p++) keep[j++] = offset + p;
  });
  const architecture = { ...source.architecture, inputDim: total };
  const dtype = MODEL_DTYPES[architecture.dtype];
  const weights = new Map<string, Tensor>();
  for (const slot of weightLayout(architecture)) {
    const numel = slot.shape.reduce((a, b) => a * b, 1);
    weights.set(slot.name, { dtype, shape: [...slot.shape], data: DTYPES[dtype].create(numel) } as Tensor);
  }
  return buildModel(source.config, architecture, remapParamMap(map, keep), weights, source.training);
}
