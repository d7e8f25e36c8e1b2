import type { PortWriter } from '../workers/port-stream.js';
import { TOPK_CSV_HEADER, type IndexDecoder } from './topk-rows.js';

/** Rows per chunk: ~1 MB of text, so a chunk's strings stay small next to the model. */
export const TOPK_ROWS_PER_CHUNK = 16_384;

export type TopkDownloadFormat = 'csv' | 'json';

/**
 * Formats one row per selected dim, in the same fields and text as topkRows + topkCsvLine /
 * JSON.stringify, without building row objects: per-parameter strings are made once, so a
 * selection of 10^6–10^8 rows costs one decode and one line each.
 */
class RowFormatter {
  private readonly params = new Map<string, { csvName: string; csvShape: string; jsonTail: string }>();

  constructor(
    private readonly decoder: IndexDecoder,
    private readonly format: TopkDownloadFormat,
  ) {}

  line(rank: number, local: number, value: number): string {
    const base = this.decoder.baseGlobalIndex(local);
    const d = this.decoder.decodeBaseGlobalIndex(base);
    let p = this.params.get(d.paramName);
    if (!p) {
      const shape = d.paramShape.join(',');
      p = {
        csvName: `"${d.paramName.replaceAll('"', '""')}"`,
        csvShape: `"${shape}"`,
        jsonTail: `],"param_shape":[${shape}]}`,
      };
      this.params.set(d.paramName, p);
    }
    const coords = d.coords.join(',');
    if (this.format === 'csv') {
      return `${rank},${value},${local},${base},${p.csvName},${d.flatIndexInParam},"${coords}",${p.csvShape}\n`;
    }
    return (
      `{"rank":${rank},"importance":${JSON.stringify(value)},"local_index":${local},` +
      `"base_global_index":${base},"param":${JSON.stringify(d.paramName)},` +
      `"flat_index":${d.flatIndexInParam},"coords":[${coords}${p.jsonTail}`
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
  decoder: IndexDecoder,
  indices: Int32Array,
  values: ArrayLike<number>,
  format: TopkDownloadFormat,
  head: { readonly part: string; readonly k: number | string },
): Promise<number> {
  const json = format === 'json';
  const rows = new RowFormatter(decoder, format);
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
