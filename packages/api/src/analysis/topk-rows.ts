import type { FloatArray, GradiendModel } from '@gradiend/core';
import type { TopkRow } from '../schemas/analysis.js';

export function topkRows(model: GradiendModel, importance: FloatArray, indices: Int32Array): TopkRow[] {
  const rows: TopkRow[] = [];
  indices.forEach((local, rank) => {
    const base = model.baseGlobalIndex(local);
    const d = model.decodeBaseGlobalIndex(base);
    rows.push({
      rank: rank + 1,
      importance: importance[local] ?? 0,
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

export function topkCsv(rows: readonly TopkRow[]): string {
  const lines = ['rank,importance,local_index,base_global_index,param,flat_index,coords,param_shape'];
  for (const r of rows) {
    lines.push(
      [
        r.rank,
        r.importance,
        r.local_index,
        r.base_global_index,
        `"${r.param.replaceAll('"', '""')}"`,
        r.flat_index,
        `"${r.coords.join(',')}"`,
        `"${r.param_shape.join(',')}"`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
