import type { GradiendModelLike } from '../model/types.js';
import { hasEncoderBias } from '../model/weight-layout.js';
import { appendActivation, appendLayerNorm } from './activation-nodes.js';
import { ELEMENT_BYTES } from './element-type.js';
import type { OnnxExportOptions } from './export-options.js';
import { resolveElementType } from './export-options.js';
import { assertFitsInProtobuf, encodeModelProto } from './model-proto.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';
import { assertArchitecture, assertWeights } from './validate-model.js';

/**
 * ONNX ModelProto bytes of the encoder: input `x` [batch, inputDim] → output `encoded`
 * [batch, latentDim], `act_e(x · W_eᵀ + b_e)` (LayerNorm(1) for the `id` activation; no b_e when
 * bias_encoder is false).
 */
export function exportEncoderOnnx(model: GradiendModelLike, options: OnnxExportOptions = {}): Uint8Array {
  const a = model.architecture;
  assertArchitecture(a);
  const elementType = resolveElementType(a, options);
  const biasNumel = hasEncoderBias(a) ? a.latentDim : 0;
  assertFitsInProtobuf('encoder', (a.inputDim * a.latentDim + biasNumel) * ELEMENT_BYTES[elementType]);

  const w = model.computeWeights();
  assertWeights(a, w, 'encoder');

  const b = new OnnxGraphBuilder(elementType);
  const x = b.input('x', ['batch', a.inputDim]);
  // Gemm with transB=1 takes W_e in its stored [latent, input] layout: no transposed copy.
  const weight = b.initializer('encoder.0.linear.weight', [a.latentDim, a.inputDim], w.encoderWeight);
  const gemmInputs = [x, weight];
  // Gemm's C input is optional: an encoder without bias (bias_encoder false) simply has none.
  if (w.encoderBias) gemmInputs.push(b.initializer('encoder.0.linear.bias', [a.latentDim], w.encoderBias));
  const linear = b.node('Gemm', gemmInputs, [{ name: 'transB', int: 1 }]);
  const encoded = w.layerNorm
    ? appendLayerNorm(b, linear, w.layerNorm)
    : appendActivation(b, a.activationEncoder, linear);
  b.output(encoded, 'encoded', ['batch', a.latentDim]);

  return encodeModelProto({
    part: 'encoder',
    architecture: a,
    elementType,
    graph: b.build('gradiend_encoder', 'GRADIEND encoder'),
    options,
  });
}
