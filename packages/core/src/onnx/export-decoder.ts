import type { GradiendModelLike } from '../model/types.js';
import { appendActivation } from './activation-nodes.js';
import { ELEMENT_BYTES } from './element-type.js';
import type { OnnxExportOptions } from './export-options.js';
import { resolveElementType } from './export-options.js';
import { assertFitsInProtobuf, encodeModelProto } from './model-proto.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';
import { assertArchitecture, assertWeights } from './validate-model.js';

/**
 * ONNX ModelProto bytes of the decoder: input `latent` [batch, latentDim] → output `decoded`
 * [batch, inputDim], `act_d(h · W_dᵀ + b_d)` (no bias when biasDecoder is false; `id` is identity).
 */
export function exportDecoderOnnx(model: GradiendModelLike, options: OnnxExportOptions = {}): Uint8Array {
  const a = model.architecture;
  assertArchitecture(a);
  const elementType = resolveElementType(a, options);
  const biasNumel = a.biasDecoder ? a.inputDim : 0;
  assertFitsInProtobuf('decoder', (a.inputDim * a.latentDim + biasNumel) * ELEMENT_BYTES[elementType]);

  const w = model.computeWeights();
  assertWeights(a, w, 'decoder');

  const b = new OnnxGraphBuilder(elementType);
  const latent = b.input('latent', ['batch', a.latentDim]);
  // W_d is stored [input, latent]; Gemm with transB=1 computes h · W_dᵀ from that layout as is.
  const weight = b.initializer('decoder.0.linear.weight', [a.inputDim, a.latentDim], w.decoderWeight);
  const gemmInputs = [latent, weight];
  if (a.biasDecoder && w.decoderBias) {
    gemmInputs.push(b.initializer('decoder.0.linear.bias', [a.inputDim], w.decoderBias));
  }
  const linear = b.node('Gemm', gemmInputs, [{ name: 'transB', int: 1 }]);
  b.output(appendActivation(b, a.activationDecoder, linear), 'decoded', ['batch', a.inputDim]);

  return encodeModelProto({
    part: 'decoder',
    architecture: a,
    elementType,
    graph: b.build('gradiend_decoder', 'GRADIEND decoder'),
    options,
  });
}
