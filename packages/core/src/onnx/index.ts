export { exportEncoderOnnx } from './export-encoder.js';
export { exportDecoderOnnx } from './export-decoder.js';
export type { OnnxExportOptions } from './export-options.js';
export type { OnnxElementType } from './element-type.js';
export { OnnxExportError } from './onnx-export-error.js';
export type { OnnxExportRule } from './onnx-export-error.js';
export { exportMlpOnnx } from './export-mlp.js';
export type { MlpOnnxNames } from './export-mlp.js';
export { ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER_NAME, PROTOBUF_MAX_BYTES } from './model-proto.js';
