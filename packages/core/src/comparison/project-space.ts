import { MappingError } from '../errors.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { FloatArray } from '../model/types.js';
import { forEachShared, fullView } from './selection-view.js';
import type { SelectionView } from './selection-view.js';

/**
 * Moves input vectors from one param map's input space to another's over the same base parameters,
 * matching dims by base-global index — e.g. a labeled set given in a root version's space, read by
 * a version pruned from it. Every dim of the target must exist in the source.
 */
export class SpaceProjection {
  /** For each target input dim, the source input dim holding the same base coordinate. */
  readonly sourceOf: Int32Array;

  constructor(
    readonly from: ParamMap,
    readonly to: ParamMap,
  ) {
    const a = from.entries;
    const b = to.entries;
    if (
      a.length !== b.length ||
      a.some((e, i) => e.name !== b[i]?.name || e.shape.join() !== b[i]?.shape.join())
    )
      throw new MappingError(
        'the two param maps cover different base parameters (names and shapes must agree, in order)',
      );
    this.sourceOf = new Int32Array(to.selectedTotal).fill(-1);
    const sourceView: SelectionView = fullView(from);
    const targetView: SelectionView = fullView(to);
    let found = 0;
    forEachShared(sourceView, targetView, (ls, lt, length) => {
      for (let k = 0; k < length; k++) this.sourceOf[lt + k] = ls + k;
      found += length;
    });
    if (found !== to.selectedTotal) {
      const missing = this.sourceOf.indexOf(-1);
      throw new MappingError(
        `${to.selectedTotal - found} input dim(s) of the target are not in the source space ` +
          `(first: base-global index ${to.baseGlobalIndex(missing)})`,
      );
    }
  }

  /** `x` (source space) as a target-space vector. */
  project(x: ArrayLike<number>): FloatArray {
    if (x.length !== this.from.selectedTotal)
      throw new MappingError(
        `expected a vector of the source space (${this.from.selectedTotal} dims), got ${x.length}`,
      );
    const out =
      x instanceof Float64Array
        ? new Float64Array(this.sourceOf.length)
        : new Float32Array(this.sourceOf.length);
    const src = this.sourceOf;
    for (let i = 0; i < src.length; i++) out[i] = x[src[i] as number] as number;
    return out;
  }
}
