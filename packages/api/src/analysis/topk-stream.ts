import type { PortWriter } from '../workers/port-stream.js';
import type { ParamMap } from '@gradiend/core';
import { TOPK_CSV_HEADER } from './topk-rows.js';

/** Rows per chunk: ~1 MB of text, so a chunk's strings stay small next to the model. */
export const TOPK_ROWS_PER_CHUNK = 16_384;

export type TopkDownloadFormat = 'csv' | 'json';

interface ParamText {
  readonly csvName: string;
  readonly csvShape: string;
  readonly jsonName: string;
  readonly jsonTail: string;
}

/**
 * Formats one row per selected dim, in the same fields and text as topkRows + topkCsvLine /
 * JSON.stringify, without building row objects: per-parameter strings are made once, and the
 * parameter, base index and coordinates come from one search of the param map's input offsets
 * (what ParamMap.baseGlobalIndex + decodeBaseGlobalIndex compute with two searches and arrays),
 * so a selection of 10^6–10^8 rows costs one short string each.
 */
class RowFormatter {
  private readonly params: (ParamText | undefined)[] = [];
  private readonly inputOffsets: Float64Array;
  private readonly baseOffsets: Float64Array;
  private readonly last: number;

  constructor(
    private readonly map: ParamMap,
    private readonly format: TopkDownloadFormat,
  ) {
    this.inputOffsets = map.inputOffsets;
    this.baseOffsets = map.baseOffsets;
    this.last = map.entries.length;
  }

  private text(p: number): ParamText {
    let t = this.params[p];
    if (!t) {
      const e = this.map.entries[p]!;
      const shape = e.shape.join(',');
      t = {
        csvName: `"${e.name.replaceAll('"', '""')}"`,
        csvShape: `"${shape}"`,
        jsonName: JSON.stringify(e.name),
        jsonTail: `],"param_shape":[${shape}]}`,
      };
      this.params[p] = t;
    }
    return t;
  }

  line(rank: number, local: number, value: number): string {
    // bisect_right over the input offsets (entries without a selection share an offset).
    const offsets = this.inputOffsets;
    let lo = 0;
    let hi = this.last + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! > local) hi = mid;
      else lo = mid + 1;
    }
    const p = lo - 1;
    const entry = this.map.entries[p];
    if (!entry || local < 0 || local >= offsets[this.last]!) {
      throw new RangeError(`input index ${local} out of bounds for input_dim ${offsets[this.last]}`);
    }
    const flat = entry.positionAt(local - offsets[p]!);
    const base = this.baseOffsets[p]! + flat;
    const shape = entry.shape;
    let coords = '';
    let rest = flat;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const d = shape[axis]!;
      const c = d === 0 ? 0 : rest % d;
      rest = d === 0 ? 0 : Math.floor(rest / d);
      coords = axis === shape.length - 1 ? `${c}` : `${c},${coords}`;
    }
    const t = this.text(p);
    if (this.format === 'csv') {
      return `${rank},${value},${local},${base},${t.csvName},${flat},"${coords}",${t.csvShape}\n`;
    }
    return (
      `{"rank":${rank},"importance":${JSON.stringify(value)},"local_index":${local},` +
      `"base_global_index":${base},"param":${t.jsonName},` +
      `"flat_index":${flat},"coords":[${coords}${t.jsonTail}`
    );
  }
}

/**
 * Writes the rows of a top-k selection (`indices`, most important first; `values[i]` the importance
 * of `indices[i]`) to `out` chunk by chunk:
 * CSV with a header line, or the JSON view's document `{"part", "k", "items": […]}`. Only one chunk
 * of text exists at a time. Stops early (returning the rows written) when the reader is gone.
 */
export async function streamTopk(
  out: PortWriter,
  map: ParamMap,
  indices: Int32Array,
  values: ArrayLike<number>,
  format: TopkDownloadFormat,
  head: { readonly part: string; readonly k: number | string },
): Promise<number> {
  const json = format === 'json';
  const rows = new RowFormatter(map, format);
  const chunks = Math.max(1, Math.ceil(indices.length / TOPK_ROWS_PER_CHUNK));
  for (let c = 0; c < chunks; c++) {
    const start = c * TOPK_ROWS_PER_CHUNK;
    const end = Math.min(indices.length, start + TOPK_ROWS_PER_CHUNK);
    let text = c > 0 ? '' : json ? `${JSON.stringify(head).slice(0, -1)},"items":[` : `${TOPK_CSV_HEADER}\n`;
    for (let i = start; i < end; i++) {
      if (json && i > 0) text += ',';
      text += rows.line(i + 1, indices[i] ?? 0, values[i] ?? 0);
    }
    if (json && c === chunks - 1) text += ']}\n';
    if (!(await out.send(text))) return start;
  }
  return indices.length;
}
