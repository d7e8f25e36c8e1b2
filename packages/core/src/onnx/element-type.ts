import type { FloatArray } from '../model/types.js';
import { onnx } from './onnx-proto.js';

/** Element type of an exported graph's inputs, outputs, weights and arithmetic. */
export type OnnxElementType = 'float32' | 'float64';

export const ONNX_DATA_TYPES: { readonly [T in OnnxElementType]: number } = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
};

export const ELEMENT_BYTES: { readonly [T in OnnxElementType]: number } = { float32: 4, float64: 8 };

/** The array itself when it already has the element type (no copy), else a converted copy. */
export function toElementType(data: FloatArray, type: OnnxElementType): FloatArray {
  if (type === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  return data instanceof Float64Array ? data : Float64Array.from(data);
}
