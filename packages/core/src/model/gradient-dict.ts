import { InputShapeError } from '../errors.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { FloatArray } from './types.js';

/** A gradient shaped like one base parameter, flattened row-major. */
export interface GradientTensor {
  readonly shape?: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Per-parameter gradients keyed by base parameter name. */
export type GradientDict = ReadonlyMap<string, GradientTensor> | { readonly [name: string]: GradientTensor };

function lookup(grads: GradientDict, name: string): GradientTensor | undefined {
  if (grads instanceof Map) return grads.get(name) ?? grads.get(`module.${name}`);
  const rec = grads as { readonly [name: string]: GradientTensor };
  return rec[name] ?? rec[`module.${name}`];
}

/**
 * The reference's flatten_gradient_dict: selected entries of each parameter's gradient, in param-map
 * order. Parameters with nothing selected may be absent; a `module.` prefix (DDP) is tolerated.
 */
export function flattenGradientDict(map: ParamMap, grads: GradientDict, out: FloatArray): FloatArray {
  map.entries.forEach((e, i) => {
    if (e.numSelected === 0) return;
    const g = lookup(grads, e.name);
    if (!g) throw new InputShapeError(`gradient for parameter '${e.name}' is missing`, 'KeyError');
    if (g.data.length !== e.numel) {
      throw new InputShapeError(
        `gradient for parameter '${e.name}' has ${g.data.length} entries, expected ${e.numel} (shape [${e.shape.join(', ')}])`,
      );
    }
    const start = map.inputOffset(i);
    const data = g.data;
    if (e.repr === 'all') {
      for (let j = 0; j < e.numel; j++) out[start + j] = data[j] as number;
    } else {
      const pos = e.selectedPositions();
      for (let j = 0; j < pos.length; j++) out[start + j] = data[pos[j] as number] as number;
    }
  });
  return out;
}

/** Scatters an input-space vector back into parameter-shaped arrays (zeros at unselected positions). */
export function scatterToParams(
  map: ParamMap,
  flat: FloatArray,
  allocate: (n: number) => FloatArray,
): Map<string, { shape: readonly number[]; data: FloatArray }> {
  const out = new Map<string, { shape: readonly number[]; data: FloatArray }>();
  map.entries.forEach((e, i) => {
    const data = allocate(e.numel);
    const start = map.inputOffset(i);
    if (e.repr === 'all') {
      data.set(flat.subarray(start, start + e.numel));
    } else if (e.numSelected > 0) {
      const pos = e.selectedPositions();
      for (let j = 0; j < pos.length; j++) data[pos[j] as number] = flat[start + j] as number;
    }
    out.set(e.name, { shape: e.shape, data });
  });
  return out;
}
