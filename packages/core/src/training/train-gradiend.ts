import { TrainingError } from '../errors.js';
import { JsonNumber, JsonObject } from '../json/index.js';
import { pythonFloatRepr } from '../json/json-value.js';
import type { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from '../model/gradiend-model.js';
import { ACTIVATIONS } from '../model/activation-kernels.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { ACTIVATION_DERIVATIVES } from './activation-derivatives.js';
import { judgeConvergence, meanByLabel, pearson } from './encoder-evaluation.js';
import type { ConvergenceVerdict } from './encoder-evaluation.js';
import { accumulateSampleGradient, adamwStep, encodeSample } from './gradiend-training-kernels.js';
import type { Activations, KernelSample, TrainableWeights } from './gradiend-training-kernels.js';
import { resolveTrainingOptions } from './training-options.js';
import type {
  GradientKind,
  GradientSample,
  ResolvedTrainingOptions,
  TrainGradiendOptions,
} from './training-options.js';

/** gradiend_context.json: what the encoder reads, what the decoder reproduces, and the class signs. */
export interface GradiendContext {
  readonly source: GradientKind;
  readonly target: GradientKind;
  readonly feature_class_encoding_direction: Readonly<Record<string, number>>;
}

export interface TrainedGradiend {
  readonly model: GradiendModel;
  /** training.json (reference layout: training_stats, best_score_checkpoint, training_args, losses, convergence_info; plus input_scale). */
  readonly training: JsonObject;
  readonly context: GradiendContext;
  readonly converged: boolean;
  /** Why the run did not converge, or null. */
  readonly convergenceReason: string | null;
  /** Encoder/label correlation of the returned model on the evaluation samples. */
  readonly correlation: number;
  readonly bestStep: number;
  readonly inputScale: number;
  readonly seed: number;
}

const float = (v: number): JsonNumber => new JsonNumber(pythonFloatRepr(v));
const int = (v: number): JsonNumber => new JsonNumber(String(v));
/** Python's str() of a float dict key, as json.dump writes float label keys: 1 → "1.0". */
const labelKey = (v: number): string => pythonFloatRepr(v);

interface PreparedSample extends KernelSample {
  readonly label: number;
  readonly featureClass: string;
}

function vectorOf(
  s: GradientSample,
  kind: 'factual' | 'alternative',
  n: number,
  index: number,
  set: string,
): ArrayLike<number> {
  const v = s[kind];
  if (!v) {
    throw new TrainingError(
      `${set} sample ${index} (class '${s.featureClass}') has no ${kind} gradient, which the source/target need`,
      kind,
    );
  }
  if (v.length !== n) {
    throw new TrainingError(
      `${set} sample ${index}: the ${kind} gradient has ${v.length} entries, the param map selects ${n}`,
      kind,
    );
  }
  return v;
}

function prepareSamples(
  samples: readonly GradientSample[],
  o: ResolvedTrainingOptions,
  direction: Readonly<Record<string, number>>,
  n: number,
  set: string,
): PreparedSample[] {
  return samples.map((s, i) => {
    const sign = direction[s.featureClass];
    if (sign === undefined || !Number.isFinite(sign)) {
      throw new TrainingError(
        `${set} sample ${i} has class '${s.featureClass}', which featureClassEncodingDirection (${Object.keys(direction).join(', ')}) does not name`,
        'featureClass',
      );
    }
    const need = (k: GradientKind, which: 'factual' | 'alternative') => k === which || k === 'diff';
    const factual =
      need(o.source, 'factual') || need(o.target, 'factual') ? vectorOf(s, 'factual', n, i, set) : null;
    const alternative =
      need(o.source, 'alternative') || need(o.target, 'alternative')
        ? vectorOf(s, 'alternative', n, i, set)
        : null;
    let source: ArrayLike<number>;
    if (o.source === 'factual') source = factual as ArrayLike<number>;
    else if (o.source === 'alternative') source = alternative as ArrayLike<number>;
    else {
      const d = new Float32Array(n);
      for (let j = 0; j < n; j++)
        d[j] =
          ((factual as ArrayLike<number>)[j] as number) - ((alternative as ArrayLike<number>)[j] as number);
      source = d;
    }
    const targetA = (o.target === 'alternative' ? alternative : factual) as ArrayLike<number>;
    const targetB = o.target === 'diff' ? alternative : null;
    // The label describes the gradient the encoder sees: an alternative gradient belongs to the other class.
    const label = o.source === 'alternative' ? -sign : sign;
    return { source, targetA, targetB, label: label === 0 ? 0 : label, featureClass: s.featureClass };
  });
}

function l2(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) * (v[i] as number);
  return Math.sqrt(s);
}

/** The reference's initialisation: nn.Linear's U(±1/√n) for the encoder, then U(±max W_e) for the decoder. */
function initialWeights(n: number, latent: number, biasDecoder: boolean, rng: Xorshift32): TrainableWeights {
  const bound = 1 / Math.sqrt(n);
  const encoderWeight = rng.fill(new Float32Array(latent * n), bound);
  const encoderBias = rng.fill(new Float32Array(latent), bound);
  let x = -Infinity;
  for (let i = 0; i < encoderWeight.length; i++) x = Math.max(x, encoderWeight[i] as number);
  return {
    encoderWeight,
    encoderBias,
    decoderWeight: rng.fill(new Float32Array(n * latent), x),
    decoderBias: biasDecoder ? rng.fill(new Float32Array(n), x) : null,
  };
}

function zerosLike(w: TrainableWeights): TrainableWeights {
  return {
    encoderWeight: new Float32Array(w.encoderWeight.length),
    encoderBias: new Float32Array(w.encoderBias.length),
    decoderWeight: new Float32Array(w.decoderWeight.length),
    decoderBias: w.decoderBias ? new Float32Array(w.decoderBias.length) : null,
  };
}

function tensorsOf(w: TrainableWeights): Float32Array[] {
  return [w.encoderWeight, w.encoderBias, w.decoderWeight, ...(w.decoderBias ? [w.decoderBias] : [])];
}

function copyWeights(w: TrainableWeights): TrainableWeights {
  return {
    encoderWeight: w.encoderWeight.slice(),
    encoderBias: w.encoderBias.slice(),
    decoderWeight: w.decoderWeight.slice(),
    decoderBias: w.decoderBias ? w.decoderBias.slice() : null,
  };
}

interface Evaluation {
  readonly step: number;
  readonly correlation: number;
  readonly meanByLabel: Map<number, number>;
  readonly meanByClass: Map<string, number>;
}

interface RunResult {
  readonly weights: TrainableWeights;
  readonly verdict: ConvergenceVerdict;
  readonly best: Evaluation | null;
  readonly finalCorrelation: number;
  readonly training: JsonObject;
  readonly seed: number;
}

/**
 * Trains a GRADIEND on gradients held in memory, the way the reference's trainer does: encoder
 * input the source gradient, decoder target the target gradient (default: factual − alternative),
 * MSE loss, AdamW, evaluation of the encoder/label correlation every `evalSteps`, sign
 * normalisation, the best evaluated model kept, and the reference's convergence test. Deterministic
 * for a given seed: the same inputs give bit-identical weights on every run.
 */
export function trainGradiend(options: TrainGradiendOptions): TrainedGradiend {
  const o = resolveTrainingOptions(options);
  const map: ParamMap = options.paramMap;
  const n = map.selectedTotal;
  if (options.samples.length === 0) throw new TrainingError('no training samples', 'samples');
  const direction = options.featureClassEncodingDirection;
  const train = prepareSamples(options.samples, o, direction, n, 'training');
  const evalSet = options.evalSamples
    ? prepareSamples(options.evalSamples, o, direction, n, 'evaluation')
    : train;
  if (evalSet.length === 0) throw new TrainingError('no evaluation samples', 'evalSamples');
  const scale = options.inputScale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new TrainingError(`inputScale must be a positive number, got ${scale}`, 'inputScale');
  }

  let chosen: RunResult | null = null;
  for (let attempt = 0; attempt < o.maxSeeds; attempt++) {
    const run = trainOneSeed(o, o.seed + attempt, train, evalSet, n, scale, options);
    if (run.verdict.converged) {
      chosen = run;
      break;
    }
    // Without a converged run, keep the one whose best evaluation came closest.
    if (!chosen || Math.abs(run.best?.correlation ?? 0) > Math.abs(chosen.best?.correlation ?? 0))
      chosen = run;
  }
  const result = chosen as RunResult;
  const model = new GradiendModel(
    {
      inputDim: n,
      latentDim: o.latentDim,
      activationEncoder: o.activationEncoder,
      activationDecoder: o.activationDecoder,
      biasDecoder: o.biasDecoder,
      dtype: 'float32',
    },
    {
      encoderWeight: { dtype: 'F32', shape: [o.latentDim, n], data: result.weights.encoderWeight },
      encoderBias: { dtype: 'F32', shape: [o.latentDim], data: result.weights.encoderBias },
      decoderWeight: { dtype: 'F32', shape: [n, o.latentDim], data: result.weights.decoderWeight },
      decoderBias: result.weights.decoderBias
        ? { dtype: 'F32', shape: [n], data: result.weights.decoderBias }
        : null,
      encoderNorm: null,
    },
    map,
    options.metadata ?? {},
  );
  return {
    model,
    training: result.training,
    context: { source: o.source, target: o.target, feature_class_encoding_direction: { ...direction } },
    converged: result.verdict.converged,
    convergenceReason: result.verdict.reason,
    correlation: result.best && result.best.step > 0 ? result.best.correlation : result.finalCorrelation,
    bestStep: result.best && result.best.step > 0 ? result.best.step : -1,
    inputScale: scale,
    seed: result.seed,
  };
}

function trainOneSeed(
  o: ResolvedTrainingOptions,
  seed: number,
  train: readonly PreparedSample[],
  evalSet: readonly PreparedSample[],
  n: number,
  scale: number,
  options: TrainGradiendOptions,
): RunResult {
  const rng = new Xorshift32(seed + 1);
  const latent = o.latentDim;
  const w = initialWeights(n, latent, o.biasDecoder, rng);
  const grads = zerosLike(w);
  const m = zerosLike(w);
  const v = zerosLike(w);
  const act: Activations = {
    encoder: ACTIVATIONS[o.activationEncoder],
    encoderDerivative: ACTIVATION_DERIVATIVES[o.activationEncoder],
    decoder: o.activationDecoder === 'id' ? null : ACTIVATIONS[o.activationDecoder],
    decoderDerivative: o.activationDecoder === 'id' ? null : ACTIVATION_DERIVATIVES[o.activationDecoder],
  };
  const hp = { lr: o.learningRate, weightDecay: o.weightDecay, beta1: 0.9, beta2: 0.999, eps: o.adamEpsilon };
  const stepsPerEpoch = Math.ceil(train.length / o.batchSize);
  const epochSteps = stepsPerEpoch * o.numTrainEpochs;
  const totalSteps = o.maxSteps > 0 ? Math.min(o.maxSteps, epochSteps) : epochSteps;

  const z = new Float64Array(latent);
  const h = new Float64Array(latent);
  const dh = new Float64Array(latent);
  const encoded = new Float64Array(latent);
  const labels = Float64Array.from(evalSet, (s) => s.label);

  const stats = {
    scores: new JsonObject(),
    meanByClass: new JsonObject(),
    meanByFeatureClass: new JsonObject(),
    encoderNorms: new JsonObject(),
    decoderNorms: new JsonObject(),
  };
  const losses: number[] = [];
  let best: Evaluation | null = null;
  let bestEpoch = 0;
  let bestWeights: TrainableWeights | null = null;
  let lastCorrelation = -1;

  const evaluate = (step: number, epoch: number): Evaluation => {
    const values = new Float64Array(evalSet.length);
    evalSet.forEach((s, i) => {
      encodeSample(w, s.source, scale, act.encoder, encoded);
      values[i] = encoded[0] as number;
    });
    let correlation = pearson(values, labels);
    let byLabel = meanByLabel(values, labels);
    const classIndex = new Map<string, number>();
    evalSet.forEach((s) => classIndex.set(s.featureClass, s.label));
    let byClass = new Map(
      [...classIndex.keys()].sort().map((c) => {
        let sum = 0;
        let count = 0;
        evalSet.forEach((s, i) => {
          if (s.featureClass === c) {
            sum += values[i] as number;
            count++;
          }
        });
        return [c, sum / count] as const;
      }),
    );
    if (o.normalize && latent === 1 && correlation < -0.6) {
      // The reference flips encoder and decoder (weights and biases) so the correlation turns positive.
      for (const t of tensorsOf(w)) for (let i = 0; i < t.length; i++) t[i] = -(t[i] as number);
      correlation = -correlation;
      byLabel = new Map([...byLabel].map(([k, x]) => [k, -x]));
      byClass = new Map([...byClass].map(([k, x]) => [k, -x]));
    }
    const key = String(step);
    stats.scores.set(key, float(correlation));
    stats.meanByClass.set(key, new JsonObject([...byLabel].map(([k, x]) => [labelKey(k), float(x)])));
    stats.meanByFeatureClass.set(key, new JsonObject([...byClass].map(([k, x]) => [k, float(x)])));
    stats.encoderNorms.set(key, float(l2(w.encoderWeight)));
    stats.decoderNorms.set(key, float(l2(w.decoderWeight)));
    lastCorrelation = correlation;
    const evaluation = { step, correlation, meanByLabel: byLabel, meanByClass: byClass };
    if (!best || Math.abs(correlation) > Math.abs(best.correlation)) {
      best = evaluation;
      bestEpoch = epoch;
      // Step 0 is tracked but never selectable, as in the reference's checkpoint callback.
      if (step > 0) bestWeights = copyWeights(w);
    }
    return evaluation;
  };

  evaluate(0, 0);
  const order = Array.from({ length: train.length }, (_, i) => i);
  let step = 0;
  let epoch = 0;
  outer: for (; epoch < o.numTrainEpochs; epoch++) {
    if (o.shuffle) rng.shuffle(order);
    for (let start = 0; start < order.length; start += o.batchSize) {
      const batch = order.slice(start, start + o.batchSize);
      for (const t of tensorsOf(grads)) t.fill(0);
      const denominator = batch.length * n;
      let squared = 0;
      for (const idx of batch) {
        squared += accumulateSampleGradient(
          w,
          grads,
          train[idx] as PreparedSample,
          scale,
          denominator,
          act,
          z,
          h,
          dh,
        );
      }
      step++;
      const params = tensorsOf(w);
      const g = tensorsOf(grads);
      const mm = tensorsOf(m);
      const vv = tensorsOf(v);
      for (let p = 0; p < params.length; p++) {
        adamwStep(
          params[p] as Float32Array,
          g[p] as Float32Array,
          mm[p] as Float32Array,
          vv[p] as Float32Array,
          step,
          hp,
        );
      }
      const loss = Math.fround(squared / denominator);
      losses.push(loss);
      const last = step >= totalSteps;
      const evaluation = step % o.evalSteps === 0 || last ? evaluate(step, epoch) : null;
      options.onProgress?.({
        seed,
        step,
        totalSteps,
        epoch,
        loss,
        evaluation: evaluation && {
          correlation: evaluation.correlation,
          meanByClass: Object.fromEntries(evaluation.meanByClass),
        },
      });
      if (last) break outer;
    }
  }

  const finalBest = best as Evaluation | null;
  const verdict = judgeConvergence(finalBest, {
    scoreThreshold: o.convergentScoreThreshold,
    meanByClassThreshold: o.convergentMeanByClassThreshold,
  });
  const weights = bestWeights ?? w;
  const bestStep = finalBest?.step ?? 0;
  const labelNames = new JsonObject();
  for (const s of evalSet) labelNames.set(labelKey(s.label), s.featureClass);
  const training = new JsonObject([
    [
      'training_stats',
      new JsonObject([
        ['global_step', int(step)],
        ['correlation', float(lastCorrelation)],
        ['scores', stats.scores],
        ['mean_by_class', stats.meanByClass],
        ['mean_by_feature_class', stats.meanByFeatureClass],
        ['encoder_norms', stats.encoderNorms],
        ['decoder_norms', stats.decoderNorms],
        ['label_value_to_class_name', labelNames],
      ]),
    ],
    [
      'best_score_checkpoint',
      new JsonObject([
        ['correlation', finalBest ? float(finalBest.correlation) : null],
        ['global_step', int(bestStep)],
        ['epoch', int(bestEpoch)],
      ]),
    ],
    ['training_args', trainingArgs(o, seed)],
    ['losses', losses.map(float)],
    [
      'convergence_info',
      new JsonObject([
        ['converged', verdict.converged],
        ['convergent_count', int(verdict.converged ? 1 : 0)],
        ['min_convergent_seeds', int(1)],
        ['convergence_metric', 'correlation'],
        ['threshold', float(o.convergentScoreThreshold)],
        [
          'convergent_mean_by_class_threshold',
          o.convergentMeanByClassThreshold === null ? null : float(o.convergentMeanByClassThreshold),
        ],
        [
          'convergent_min_target_class_abs_mean',
          verdict.minTargetClassAbsMean === null ? null : float(verdict.minTargetClassAbsMean),
        ],
      ]),
    ],
    ['input_scale', float(scale)],
    // The reference demo's compact scalars: a short loss curve (mean of each 100 steps) for dashboards.
    ['losses_every_100_steps', blockMeans(losses, 100).map(float)],
    ['steps', int(step)],
    ['batch_size', int(o.batchSize)],
  ]);
  return { weights, verdict, best: finalBest, finalCorrelation: lastCorrelation, training, seed };
}

function blockMeans(values: readonly number[], block: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += block) {
    const part = values.slice(start, start + block);
    out.push(Math.fround(part.reduce((a, b) => a + b, 0) / part.length));
  }
  return out;
}

function trainingArgs(o: ResolvedTrainingOptions, seed: number): JsonObject {
  return new JsonObject([
    ['source', o.source],
    ['target', o.target],
    ['learning_rate', float(o.learningRate)],
    ['weight_decay', float(o.weightDecay)],
    ['adam_epsilon', float(o.adamEpsilon)],
    ['optim', 'adamw'],
    ['num_train_epochs', int(o.numTrainEpochs)],
    ['max_steps', int(o.maxSteps)],
    ['gradiend_batch_size', int(o.batchSize)],
    ['eval_steps', int(o.evalSteps)],
    ['seed', int(seed)],
    ['shuffle', o.shuffle],
    ['normalize_gradiend', o.normalize],
    ['latent_dim', int(o.latentDim)],
    ['activation_encoder', o.activationEncoder],
    ['activation_decoder', o.activationDecoder],
    ['bias_decoder', o.biasDecoder],
    ['torch_dtype', 'float32'],
    ['convergent_metric', 'correlation'],
    ['convergent_score_threshold', float(o.convergentScoreThreshold)],
    [
      'convergent_mean_by_class_threshold',
      o.convergentMeanByClassThreshold === null ? null : float(o.convergentMeanByClassThreshold),
    ],
  ]);
}
