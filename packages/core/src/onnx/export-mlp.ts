import type { MlpModel } from '../base-model/mlp-model.js';
import { encodeOnnxModel } from './model-proto.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';

export interface MlpOnnxNames {
  /** Graph input, [batch, inputDim] (default `pixels`, as the reference demo's base model). */
  readonly input?: string;
  /** Graph output, [batch, classes] (default `logits`). */
  readonly output?: string;
}

/**
 * ONNX ModelProto bytes of a base MLP: Gemm (transB, weights in PyTorch's [out, in] layout) per
 * layer with ReLU between, initializers named like the parameters (`fc1.weight`, …), so a param
 * map addresses the ONNX weights by the same names as the safetensors ones.
 */
export function exportMlpOnnx(model: MlpModel, names: MlpOnnxNames = {}): Uint8Array {
  const b = new OnnxGraphBuilder(model.dtype);
  const sizes = model.layerSizes;
  let value = b.input(names.input ?? 'pixels', ['batch', model.inputDim]);
  const params = model.namedParameters();
  for (let l = 0; l + 1 < sizes.length; l++) {
    const weight = params[2 * l];
    const bias = params[2 * l + 1];
    if (!weight || !bias) throw new Error(`MLP layer ${l + 1} lacks its parameters`);
    const w = b.initializer(weight.name, weight.shape, weight.data);
    const bb = b.initializer(bias.name, bias.shape, bias.data);
    value = b.node('Gemm', [value, w, bb], [{ name: 'transB', int: 1 }]);
    if (l + 2 < sizes.length) value = b.node('Relu', [value]);
  }
  b.output(value, names.output ?? 'logits', ['batch', model.classes]);
  const doc = `MLP ${sizes.join('-')} (ReLU), ${model.dtype}`;
  return encodeOnnxModel(b.build('mlp', doc), doc, [{ key: 'layer_sizes', value: sizes.join(',') }]);
}
