import type { GradiendArchitecture } from '../model/types.js';
import type { OnnxElementType } from './element-type.js';

export interface OnnxExportOptions {
  /**
   * Element type of the graph. Defaults to the model's compute precision: float64 models give a
   * DOUBLE graph, every other dtype (float32, float16, bfloat16) a FLOAT graph.
   */
  readonly elementType?: OnnxElementType;
  /** Recorded as the `param_map_hash` metadata entry (hex MD5 of the param map). */
  readonly paramMapHash?: string;
  /** Extra metadata_props entries; they cannot override the ones the exporter writes. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export function resolveElementType(
  architecture: GradiendArchitecture,
  options: OnnxExportOptions,
): OnnxElementType {
  return options.elementType ?? (architecture.dtype === 'float64' ? 'float64' : 'float32');
}
