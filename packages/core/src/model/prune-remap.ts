import { MappingError } from '../errors.js';
import { bisectLeft } from '../mapping/index-decoding.js';
import { INT32_INDEX_LIMIT } from '../mapping/representation.js';
import { ParamMap } from '../mapping/param-map.js';
import { ParamMapEntry } from '../mapping/param-map-entry.js';
import type { IndexArray } from '../mapping/types.js';

/**
 * The param map after keeping `keepIdx` (ascending) of the current input space: each parameter
 * keeps the selected positions whose input index survives, in their existing order.
 */
export function remapParamMap(map: ParamMap, keepIdx: Int32Array): ParamMap {
  const entries = map.entries.map((e, i) => {
    const offset = map.inputOffset(i);
    const lo = bisectLeft(keepIdx, offset);
    const hi = bisectLeft(keepIdx, offset + e.numSelected, lo);
    const positions: IndexArray =
      e.numel <= INT32_INDEX_LIMIT ? new Int32Array(hi - lo) : new Float64Array(hi - lo);
    if (e.repr === 'all') {
      for (let j = lo; j < hi; j++) positions[j - lo] = (keepIdx[j] as number) - offset;
    } else if (hi > lo) {
      const selected = e.selectedPositions();
      for (let j = lo; j < hi; j++) positions[j - lo] = selected[(keepIdx[j] as number) - offset] as number;
    }
    return ParamMapEntry.fromPositions(e.name, e.shape, positions);
  });
  const remapped = new ParamMap(entries);
  if (remapped.selectedTotal !== keepIdx.length) {
    throw new MappingError(
      `Inconsistent mapping: kept ${keepIdx.length} dims but the remapped map selects ${remapped.selectedTotal}`,
    );
  }
  return remapped;
}
