// onnx-proto is CommonJS whose `module.exports` is assigned at runtime, so Node's ESM loader cannot
// see a named `onnx` export; take the namespace off the default import instead.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
