// Hot loops of the MLP: dense layers, ReLU and softmax cross-entropy on row-major typed arrays.
// Sums run in float64 (JS numbers) and are stored in the arrays' own precision.
import type { FloatArray } from '../model/types.js';

/** out[b, o] = bias[o] + Σ_i x[b, i] · W[o, i]; W is [outDim, inDim] (PyTorch's nn.Linear layout). */
export function denseForward(
  x: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  batch: number,
  inDim: number,
  outDim: number,
  out: FloatArray,
): void {
  for (let b = 0; b < batch; b++) {
    const xo = b * inDim;
    const oo = b * outDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      let s = bias[o] as number;
      for (let i = 0; i < inDim; i++) s += (x[xo + i] as number) * (weight[wo + i] as number);
      out[oo + o] = s;
    }
  }
}

export function reluInPlace(v: FloatArray): void {
  for (let i = 0; i < v.length; i++) if ((v[i] as number) < 0) v[i] = 0;
}

/**
 * Gradients of a dense layer from ∂loss/∂out (`dOut`, [batch, outDim]): sets dWeight and dBias and,
 * when `dX` is given, ∂loss/∂x ([batch, inDim]). Rows are walked contiguously (batch outermost).
 */
export function denseBackward(
  x: FloatArray,
  weight: FloatArray,
  dOut: FloatArray,
  batch: number,
  inDim: number,
  outDim: number,
  dWeight: FloatArray,
  dBias: FloatArray,
  dX: FloatArray | null,
): void {
  dWeight.fill(0);
  dBias.fill(0);
  if (dX) dX.fill(0);
  for (let b = 0; b < batch; b++) {
    const xo = b * inDim;
    for (let o = 0; o < outDim; o++) {
      const d = dOut[b * outDim + o] as number;
      if (d === 0) continue;
      dBias[o] = (dBias[o] as number) + d;
      const wo = o * inDim;
      for (let i = 0; i < inDim; i++)
        dWeight[wo + i] = (dWeight[wo + i] as number) + d * (x[xo + i] as number);
      if (dX)
        for (let i = 0; i < inDim; i++) dX[xo + i] = (dX[xo + i] as number) + d * (weight[wo + i] as number);
    }
  }
}

/** Zeroes ∂loss/∂pre-activation where the ReLU output was 0 (PyTorch's subgradient at 0 is 0). */
export function reluBackwardInPlace(activated: FloatArray, grad: FloatArray): void {
  for (let i = 0; i < grad.length; i++) if ((activated[i] as number) <= 0) grad[i] = 0;
}

/**
 * Mean softmax cross-entropy over the batch (PyTorch's CrossEntropyLoss, reduction 'mean'); when
 * `dLogits` is given it receives ∂loss/∂logits = (softmax − onehot) / batch.
 */
export function softmaxCrossEntropy(
  logits: FloatArray,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  dLogits: FloatArray | null,
): number {
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const o = b * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp((logits[o + c] as number) - max);
    const logSum = max + Math.log(sum);
    const label = labels[b] as number;
    total += logSum - (logits[o + label] as number);
    if (dLogits) {
      for (let c = 0; c < classes; c++) {
        const p = Math.exp((logits[o + c] as number) - logSum);
        dLogits[o + c] = (p - (c === label ? 1 : 0)) / batch;
      }
    }
  }
  return total / batch;
}
