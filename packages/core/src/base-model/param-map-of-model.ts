import { ParamMap } from '../mapping/param-map.js';
import type { BaseModel } from './base-model.js';

/** A param map selecting every entry of the given parameters (default: all), in the model's order. */
export function paramMapOfModel(model: BaseModel<unknown>, names?: readonly string[]): ParamMap {
  const params = model.namedParameters();
  const chosen = names
    ? names.map((n) => {
        const p = params.find((q) => q.name === n);
        if (!p) throw new RangeError(`the base model has no parameter '${n}'`);
        return p;
      })
    : params;
  return ParamMap.fromSpecs(chosen.map((p) => ({ name: p.name, shape: p.shape, repr: 'all' })));
}
