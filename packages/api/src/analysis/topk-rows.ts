import type { ParamMap } from '@gradiend/core';
import type { TopkRow } from '../schemas/analysis.js';

/** What names an input dim's base-parameter coordinates: a ParamMap (or a model). */
export type IndexDecoder = Pick<ParamMap, 'baseGlobalIndex' | 'decodeBaseGlobalIndex'>;

/**
 * One row per selected dim; `values[i]` is the importance of `indices[i]`. `firstRank`: how many
 * rows come before `indices` (for a page or chunk of a longer selection).
 */
export function topkRows(
  decoder: IndexDecoder,
  indices: Int32Array,
  values: ArrayLike<number>,
  firstRank = 0,
): TopkRow[] {
  const rows: TopkRow[] = [];
  indices.forEach((local, i) => {
    const rank = firstRank + i;
    const base = decoder.baseGlobalIndex(local);
    const d = decoder.decodeBaseGlobalIndex(base);
    rows.push({
      rank: rank + 1,
      importance: values[i] ?? 0,
      local_index: local,
      base_global_index: base,
      param: d.paramName,
      flat_index: d.flatIndexInParam,
      coords: [...d.coords],
      param_shape: [...d.paramShape],
    });
  });
  return rows;
}

export const TOPK_CSV_HEADER =
  'rank,importance,local_index,base_global_index,param,flat_index,coords,param_shape';

export function topkCsvLine(r: TopkRow): string {
  return [
    r.rank,
    r.importance,
    r.local_index,
    r.base_global_index,
    `"${r.param.replaceAll('"', '""')}"`,
    r.flat_index,
    `"${r.coords.join(',')}"`,
    `"${r.param_shape.join(',')}"`,
  ].join(',');
}

export function topkCsv(rows: readonly TopkRow[]): string {
  return `${[TOPK_CSV_HEADER, ...rows.map(topkCsvLine)].join('\n')}\n`;
}
