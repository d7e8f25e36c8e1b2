import { Xorshift32 } from '../random/xorshift32.js';
import { adamwStep } from '../training/gradiend-training-kernels.js';
import type { MlpModel } from './mlp-model.js';

export interface TrainClassifierOptions {
  /** [rows, inputDim] row-major. */
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay?: number;
  readonly seed: number;
  /** Called after every epoch with its mean training loss. */
  readonly onEpoch?: (epoch: number, meanLoss: number) => void;
}

/** Minibatch AdamW on the cross-entropy loss, reshuffled every epoch by a seeded generator. Deterministic. */
export function trainClassifier(model: MlpModel, o: TrainClassifierOptions): void {
  if (model.dtype !== 'float32') throw new TypeError('trainClassifier trains float32 models');
  const rows = o.labels.length;
  const width = model.inputDim;
  const rng = new Xorshift32(o.seed);
  const params = model.namedParameters();
  const m = params.map((p) => new Float32Array(p.data.length));
  const v = params.map((p) => new Float32Array(p.data.length));
  const hp = { lr: o.learningRate, weightDecay: o.weightDecay ?? 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const inputs = new Float32Array(o.batchSize * width);
  const labels = new Int32Array(o.batchSize);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    rng.shuffle(order);
    let total = 0;
    let batches = 0;
    for (let start = 0; start < rows; start += o.batchSize) {
      const size = Math.min(o.batchSize, rows - start);
      for (let b = 0; b < size; b++) {
        const k = order[start + b] as number;
        inputs.set(o.inputs.subarray(k * width, (k + 1) * width), b * width);
        labels[b] = o.labels[k] as number;
      }
      total += model.backward({ inputs: inputs.subarray(0, size * width), labels: labels.subarray(0, size) });
      batches++;
      step++;
      params.forEach((p, i) => {
        adamwStep(
          p.data as Float32Array,
          p.grad as Float32Array,
          m[i] as Float32Array,
          v[i] as Float32Array,
          step,
          hp,
        );
      });
    }
    o.onEpoch?.(epoch, total / batches);
  }
}
