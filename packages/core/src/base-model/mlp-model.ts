import { InputShapeError } from '../errors.js';
import type { FloatArray } from '../model/types.js';
import { Xorshift32 } from '../random/xorshift32.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BaseModel, NamedParameter } from './base-model.js';
import {
  denseBackward,
  denseForward,
  reluBackwardInPlace,
  reluInPlace,
  softmaxCrossEntropy,
} from './mlp-kernels.js';

/** One classifier batch: `inputs` is [batch, inputDim] row-major, `labels` the class of each row. */
export interface ClassifierBatch {
  readonly inputs: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
}

export interface MlpOptions {
  /** Widths from input to output, e.g. [64, 32, 10]: dense layers `fc1` … `fcN`, ReLU between them. */
  readonly layerSizes: readonly number[];
  /** Precision of weights and activations (default float32). */
  readonly dtype?: 'float32' | 'float64';
  /** Seed of the initial weights (PyTorch's nn.Linear init: U(−1/√in, 1/√in) for weight and bias). */
  readonly seed?: number;
  /** Initial weights by parameter name (`fc1.weight` [out, in], `fc1.bias` [out], …) instead of a seed. */
  readonly weights?: ReadonlyMap<string, ArrayLike<number>>;
}

interface Layer {
  readonly inDim: number;
  readonly outDim: number;
  readonly weight: MutableParameter;
  readonly bias: MutableParameter;
}

interface MutableParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: FloatArray;
  grad: FloatArray | null;
}

/**
 * A multilayer perceptron classifier with softmax cross-entropy loss and hand-written backprop.
 * Parameter names and layouts follow PyTorch (`fc1.weight` is [out, in]), so a param map written
 * for the PyTorch model of the same shape applies unchanged.
 */
export class MlpModel implements BaseModel<ClassifierBatch> {
  readonly layerSizes: readonly number[];
  readonly dtype: 'float32' | 'float64';
  private readonly layers: Layer[];

  constructor(options: MlpOptions) {
    const sizes = options.layerSizes;
    if (sizes.length < 2 || sizes.some((s) => !Number.isSafeInteger(s) || s <= 0)) {
      throw new RangeError(`layerSizes must hold at least two positive integers, got [${sizes.join(', ')}]`);
    }
    this.layerSizes = [...sizes];
    this.dtype = options.dtype ?? 'float32';
    const rng = new Xorshift32(options.seed ?? 0);
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inDim = sizes[l] as number;
      const outDim = sizes[l + 1] as number;
      const bound = 1 / Math.sqrt(inDim);
      const make = (suffix: 'weight' | 'bias', shape: number[]): MutableParameter => {
        const name = `fc${l + 1}.${suffix}`;
        const data = this.allocate(shape.reduce((a, b) => a * b, 1));
        const given = options.weights?.get(name);
        if (options.weights && !given)
          throw new InputShapeError(`initial weights lack '${name}'`, 'KeyError');
        if (given) {
          if (given.length !== data.length) {
            throw new InputShapeError(
              `'${name}' has ${given.length} values, expected ${data.length} ([${shape.join(', ')}])`,
            );
          }
          for (let i = 0; i < data.length; i++) data[i] = given[i] as number;
        } else {
          rng.fill(data, bound);
        }
        return { name, shape, data, grad: null };
      };
      this.layers.push({
        inDim,
        outDim,
        weight: make('weight', [outDim, inDim]),
        bias: make('bias', [outDim]),
      });
    }
  }

  get inputDim(): number {
    return this.layerSizes[0] as number;
  }
  get classes(): number {
    return this.layerSizes[this.layerSizes.length - 1] as number;
  }

  namedParameters(): readonly NamedParameter[] {
    return this.layers.flatMap((l) => [l.weight, l.bias]);
  }

  /** The weights as float tensors under their parameter names (for safetensors). */
  stateDict(): Map<string, Tensor> {
    const dtype = this.dtype === 'float64' ? 'F64' : 'F32';
    return new Map(this.namedParameters().map((p) => [p.name, { dtype, shape: p.shape, data: p.data }]));
  }

  forward(batch: ClassifierBatch): FloatArray {
    const acts = this.activations(batch);
    return acts[acts.length - 1] as FloatArray;
  }

  loss(batch: ClassifierBatch): number {
    const logits = this.forward(batch);
    return softmaxCrossEntropy(logits, batch.labels, batch.labels.length, this.classes, null);
  }

  backward(batch: ClassifierBatch): number {
    const n = batch.labels.length;
    const acts = this.activations(batch);
    let delta = this.allocate(n * this.classes);
    const loss = softmaxCrossEntropy(
      acts[acts.length - 1] as FloatArray,
      batch.labels,
      n,
      this.classes,
      delta,
    );
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l] as Layer;
      const x = acts[l] as FloatArray;
      const dX = l > 0 ? this.allocate(n * layer.inDim) : null;
      const dW = this.allocate(layer.weight.data.length);
      const dB = this.allocate(layer.bias.data.length);
      denseBackward(x, layer.weight.data, delta, n, layer.inDim, layer.outDim, dW, dB, dX);
      layer.weight.grad = dW;
      layer.bias.grad = dB;
      if (dX) {
        reluBackwardInPlace(x, dX);
        delta = dX;
      }
    }
    return loss;
  }

  zeroGrad(): void {
    for (const l of this.layers) {
      l.weight.grad = null;
      l.bias.grad = null;
    }
  }

  /** The most likely class of every row. */
  predict(inputs: ArrayLike<number>): Int32Array {
    const rows = this.rowsOf(inputs);
    const logits = this.forward({ inputs, labels: new Int32Array(rows) });
    const out = new Int32Array(rows);
    const k = this.classes;
    for (let b = 0; b < rows; b++) {
      let best = 0;
      for (let c = 1; c < k; c++)
        if ((logits[b * k + c] as number) > (logits[b * k + best] as number)) best = c;
      out[b] = best;
    }
    return out;
  }

  /** Softmax probabilities, [rows, classes]. */
  probabilities(inputs: ArrayLike<number>): Float64Array {
    const rows = this.rowsOf(inputs);
    const logits = this.forward({ inputs, labels: new Int32Array(rows) });
    const k = this.classes;
    const out = new Float64Array(rows * k);
    for (let b = 0; b < rows; b++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, logits[b * k + c] as number);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += out[b * k + c] = Math.exp((logits[b * k + c] as number) - max);
      for (let c = 0; c < k; c++) out[b * k + c] = (out[b * k + c] as number) / sum;
    }
    return out;
  }

  /** Inputs and every layer's output (ReLU applied to hidden ones): acts[0] = x, acts[L] = logits. */
  private activations(batch: ClassifierBatch): FloatArray[] {
    const n = batch.labels.length;
    if (this.rowsOf(batch.inputs) !== n) {
      throw new InputShapeError(
        `batch has ${batch.inputs.length / this.inputDim} input rows but ${n} labels`,
      );
    }
    for (let b = 0; b < n; b++) {
      const y = batch.labels[b] as number;
      if (!Number.isInteger(y) || y < 0 || y >= this.classes) {
        throw new InputShapeError(`label ${b} is ${y}, expected an integer in [0, ${this.classes})`);
      }
    }
    const x = this.toPrecision(batch.inputs);
    const acts: FloatArray[] = [x];
    this.layers.forEach((layer, l) => {
      const out = this.allocate(n * layer.outDim);
      denseForward(
        acts[l] as FloatArray,
        layer.weight.data,
        layer.bias.data,
        n,
        layer.inDim,
        layer.outDim,
        out,
      );
      if (l < this.layers.length - 1) reluInPlace(out);
      acts.push(out);
    });
    return acts;
  }

  private rowsOf(inputs: ArrayLike<number>): number {
    if (inputs.length % this.inputDim !== 0) {
      throw new InputShapeError(
        `inputs hold ${inputs.length} values, not a whole number of rows of ${this.inputDim}`,
      );
    }
    return inputs.length / this.inputDim;
  }

  private allocate(n: number): FloatArray {
    return this.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  private toPrecision(x: ArrayLike<number>): FloatArray {
    if (this.dtype === 'float64') return x instanceof Float64Array ? x : Float64Array.from(x);
    return x instanceof Float32Array ? x : Float32Array.from(x);
  }
}
