import type { ParamMap } from '@gradiend/core';
import type { SelectionOverlap } from '../schemas/analysis.js';

/** The top-k selection as base positions grouped by parameter name. */
export function selectionByParam(map: ParamMap, indices: Int32Array): Map<string, Set<number>> {
  const entries = map.entries;
  const positions = entries.map((e) => e.selectedPositions());
  const out = new Map<string, Set<number>>();
  const sorted = Int32Array.from(indices).sort();
  let p = 0;
  for (const local of sorted) {
    while (p + 1 < entries.length && map.inputOffset(p + 1) <= local) p++;
    const entry = entries[p];
    if (!entry) continue;
    let set = out.get(entry.name);
    if (!set) out.set(entry.name, (set = new Set()));
    set.add(positions[p]?.[local - map.inputOffset(p)] ?? -1);
  }
  return out;
}

/** Overlap of two selections in base-parameter space (parameter name + flat index). */
export function compareSelections(
  a: Map<string, Set<number>>,
  b: Map<string, Set<number>>,
): SelectionOverlap {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  let sizeA = 0;
  let sizeB = 0;
  let inter = 0;
  const params = names.map((name) => {
    const sa = a.get(name) ?? new Set<number>();
    const sb = b.get(name) ?? new Set<number>();
    let n = 0;
    for (const x of sa) if (sb.has(x)) n++;
    sizeA += sa.size;
    sizeB += sb.size;
    inter += n;
    return { name, a: sa.size, b: sb.size, intersection: n };
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
