import type { ParamMap } from '@gradiend/core';
import type { SelectionOverlap } from '../schemas/analysis.js';

/**
 * The top-k selection (`indices`: input dims, any order) as base positions grouped by parameter
 * name, each group's flat positions ascending. Float64 per selected dim; a parameter's full
 * position list is never materialised for an unpruned ('all') parameter.
 */
export function selectionByParam(map: ParamMap, indices: Int32Array): Map<string, Float64Array> {
  const entries = map.entries;
  const sorted = Int32Array.from(indices).sort();
  const out = new Map<string, Float64Array>();
  let at = 0;
  for (let p = 0; p < entries.length && at < sorted.length; p++) {
    const entry = entries[p]!;
    const start = map.inputOffset(p);
    const end = map.inputOffset(p + 1);
    let stop = at;
    while (stop < sorted.length && sorted[stop]! < end) stop++;
    if (stop === at) continue;
    const flat = new Float64Array(stop - at);
    for (let j = at; j < stop; j++) flat[j - at] = entry.positionAt(sorted[j]! - start);
    // Mask and 'all' positions are ascending already; an index list may be in any order.
    if (entry.repr === 'indices') flat.sort();
    out.set(entry.name, flat);
    at = stop;
  }
  return out;
}

/** How many values two ascending lists of distinct numbers share (a merge). */
function sharedCount(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Overlap of two selections in base-parameter space (parameter name + flat index). */
export function compareSelections(
  a: Map<string, Float64Array>,
  b: Map<string, Float64Array>,
): SelectionOverlap {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const none = new Float64Array(0);
  let sizeA = 0;
  let sizeB = 0;
  let inter = 0;
  const params = names.map((name) => {
    const sa = a.get(name) ?? none;
    const sb = b.get(name) ?? none;
    const n = sharedCount(sa, sb);
    sizeA += sa.length;
    sizeB += sb.length;
    inter += n;
    return { name, a: sa.length, b: sb.length, intersection: n };
  });
  const union = sizeA + sizeB - inter;
  return {
    size_a: sizeA,
    size_b: sizeB,
    intersection: inter,
    union,
    iou: union === 0 ? 0 : inter / union,
    params,
  };
}
