import type { ActivationName } from '../model/activation.js';
import type { ComputeWeights } from '../model/types.js';
import { onnx } from './onnx-proto.js';
import type { OnnxGraphBuilder } from './onnx-graph-builder.js';

type LayerNormWeights = NonNullable<ComputeWeights['layerNorm']>;

/** PyTorch's defaults: LeakyReLU negative_slope 0.01, ELU alpha 1. */
const LEAKY_RELU_SLOPE = 0.01;
const ELU_ALPHA = 1;

/** Exact (erf-based) GELU as PyTorch computes it: 0.5 · x · (1 + erf(x · 1/√2)). */
function appendGelu(b: OnnxGraphBuilder, x: string): string {
  const scaled = b.node('Mul', [x, b.scalar(Math.SQRT1_2)]);
  let erf: string;
  if (b.elementType === 'float32') {
    erf = b.node('Erf', [scaled]);
  } else {
    // onnxruntime's CPU provider has no float64 Erf kernel; erf is evaluated in float32 (relative
    // error ~1e-7) while the rest of the graph stays in float64.
    const asFloat = b.node('Cast', [scaled], [{ name: 'to', int: onnx.TensorProto.DataType.FLOAT }]);
    const erf32 = b.node('Erf', [asFloat]);
    erf = b.node('Cast', [erf32], [{ name: 'to', int: onnx.TensorProto.DataType.DOUBLE }]);
  }
  const onePlus = b.node('Add', [erf, b.scalar(1)]);
  const half = b.node('Mul', [x, b.scalar(0.5)]);
  return b.node('Mul', [half, onePlus]);
}

function appendElu(b: OnnxGraphBuilder, x: string): string {
  if (b.elementType === 'float32') return b.node('Elu', [x], [{ name: 'alpha', float: ELU_ALPHA }]);
  // onnxruntime's CPU provider has no float64 Elu kernel: relu(x) + min(alpha·(exp(x) − 1), 0) is
  // ELU for every x (the second term vanishes for x > 0, the first for x ≤ 0).
  const expm1 = b.node('Sub', [b.node('Exp', [x]), b.scalar(1)]);
  const negativePart = b.node('Min', [b.node('Mul', [expm1, b.scalar(ELU_ALPHA)]), b.scalar(0)]);
  return b.node('Add', [b.node('Relu', [x]), negativePart]);
}

function appendLeakyRelu(b: OnnxGraphBuilder, x: string): string {
  if (b.elementType === 'float32')
    return b.node('LeakyRelu', [x], [{ name: 'alpha', float: LEAKY_RELU_SLOPE }]);
  // LeakyRelu's alpha is a float32 attribute (0.01 → 0.0099999998); relu(x) + 0.01·min(x, 0) keeps
  // the slope exact in a float64 graph.
  const negativePart = b.node('Mul', [b.node('Min', [x, b.scalar(0)]), b.scalar(LEAKY_RELU_SLOPE)]);
  return b.node('Add', [b.node('Relu', [x]), negativePart]);
}

function appendSilu(b: OnnxGraphBuilder, x: string): string {
  if (b.elementType === 'float32') return b.node('Mul', [x, b.node('Sigmoid', [x])]);
  // onnxruntime fuses x · Sigmoid(x) into com.microsoft QuickGelu, which has no float64 kernel;
  // x / (1 + exp(−x)) is the same function and is left alone.
  return b.node('Div', [x, b.node('Add', [b.node('Exp', [b.node('Neg', [x])]), b.scalar(1)])]);
}

/** Appends the element-wise activation `name` to `x`; `id` is the identity (the decoder's meaning). */
export function appendActivation(b: OnnxGraphBuilder, name: ActivationName, x: string): string {
  switch (name) {
    case 'tanh':
      return b.node('Tanh', [x]);
    case 'relu':
      return b.node('Relu', [x]);
    case 'leakyrelu':
      return appendLeakyRelu(b, x);
    case 'gelu':
      return appendGelu(b, x);
    case 'silu':
      return appendSilu(b, x);
    case 'elu':
      return appendElu(b, x);
    case 'sigmoid':
      return b.node('Sigmoid', [x]);
    case 'smht':
      return b.node('Clip', [x, b.scalar(-1), b.scalar(1)]);
    case 'id':
      return x;
  }
}

/**
 * The reference's encoder activation `id` is LayerNorm(1): normalisation over the last dimension
 * with the stored affine weight and bias. The [1]-shaped scale and bias only broadcast correctly
 * against a latent dimension of 1, which the exporters check.
 */
export function appendLayerNorm(b: OnnxGraphBuilder, x: string, ln: LayerNormWeights): string {
  const arrayOf = b.elementType === 'float32' ? Float32Array : Float64Array;
  const scale = b.initializer('encoder.1.weight', [1], arrayOf.of(ln.weight));
  const bias = b.initializer('encoder.1.bias', [1], arrayOf.of(ln.bias));
  return b.node(
    'LayerNormalization',
    [x, scale, bias],
    [
      { name: 'axis', int: -1 },
      { name: 'epsilon', float: ln.eps },
      // Mean and variance in the graph's own precision (1 = FLOAT, 11 = DOUBLE).
      {
        name: 'stash_type',
        int: onnx.TensorProto.DataType[b.elementType === 'float32' ? 'FLOAT' : 'DOUBLE'],
      },
    ],
  );
}
