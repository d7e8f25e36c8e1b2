import { DEFAULT_CONVERGENCE_CRITERIA } from './encoder-evaluation.js';
import { TrainingError } from '../errors.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { ActivationName } from '../model/activation.js';
import { isActivationName } from '../model/activation.js';

/** Which gradient feeds the encoder or is the decoder's target (the reference's `source` / `target`). */
export const GRADIENT_KINDS = ['factual', 'alternative', 'diff'] as const;
export type GradientKind = (typeof GRADIENT_KINDS)[number];

export function isGradientKind(v: string): v is GradientKind {
  return (GRADIENT_KINDS as readonly string[]).includes(v);
}

/**
 * One training example in GRADIEND input space (vectors of length input_dim, param-map order): the
 * base model's gradient for the factual label and, where the source or target needs it, for the
 * alternative (counterfactual) label.
 */
export interface GradientSample {
  /** The feature class of the factual example, a key of featureClassEncodingDirection (e.g. '3'). */
  readonly featureClass: string;
  readonly factual?: ArrayLike<number>;
  readonly alternative?: ArrayLike<number>;
}

/** Progress after every optimizer step; `evaluation` is set on the steps that evaluated the encoder. */
export interface TrainingProgress {
  readonly seed: number;
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
  readonly loss: number;
  readonly evaluation: {
    readonly correlation: number;
    readonly meanByClass: Readonly<Record<string, number>>;
  } | null;
}

export interface TrainGradiendOptions {
  readonly paramMap: ParamMap;
  readonly samples: readonly GradientSample[];
  /** Samples the encoder is evaluated on during training (default: the training samples). */
  readonly evalSamples?: readonly GradientSample[];
  /** Class → +1 / −1 (0 for neutral): the label the encoder should reproduce (the reference's pair[0] → +1). */
  readonly featureClassEncodingDirection: Readonly<Record<string, number>>;
  /** Encoder input (default 'alternative', as the reference's TrainingArguments). */
  readonly source?: GradientKind;
  /** Decoder target (default 'diff' = factual − alternative). */
  readonly target?: GradientKind;
  readonly latentDim?: number;
  readonly activationEncoder?: ActivationName;
  readonly activationDecoder?: ActivationName;
  readonly biasDecoder?: boolean;
  /** AdamW learning rate (reference default 1e-5). */
  readonly learningRate?: number;
  /** AdamW decoupled weight decay (reference default 0.01). */
  readonly weightDecay?: number;
  readonly adamEpsilon?: number;
  readonly numTrainEpochs?: number;
  /** Stop after this many steps; −1 (default) runs every epoch. */
  readonly maxSteps?: number;
  /** Gradient vectors per optimizer step (the reference's gradiend_batch_size, default 1). */
  readonly batchSize?: number;
  /** Evaluate every this many steps (and at step 0 and the last step); default 250. */
  readonly evalSteps?: number;
  readonly seed?: number;
  /** Try seed, seed + 1, … up to this many runs until one converges (default 1). */
  readonly maxSeeds?: number;
  /** Reshuffle the samples every epoch with the seeded generator (default true). */
  readonly shuffle?: boolean;
  /** Flip encoder and decoder when the correlation drops below −0.6 (latent 1; default true). */
  readonly normalize?: boolean;
  /** Divide sources and targets by this (default 1; recorded as training.json `input_scale`, encode divides by it too). */
  readonly inputScale?: number;
  readonly convergentScoreThreshold?: number;
  /** null disables the class-mean criterion. */
  readonly convergentMeanByClassThreshold?: number | null;
  /** config.json metadata of the trained model (e.g. base_model). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface ResolvedTrainingOptions {
  readonly source: GradientKind;
  readonly target: GradientKind;
  readonly latentDim: number;
  readonly activationEncoder: ActivationName;
  readonly activationDecoder: ActivationName;
  readonly biasDecoder: boolean;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly adamEpsilon: number;
  readonly numTrainEpochs: number;
  readonly maxSteps: number;
  readonly batchSize: number;
  readonly evalSteps: number;
  readonly seed: number;
  readonly maxSeeds: number;
  readonly shuffle: boolean;
  readonly normalize: boolean;
  readonly convergentScoreThreshold: number;
  readonly convergentMeanByClassThreshold: number | null;
}

function positiveInteger(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v < 1)
    throw new TrainingError(`${name} must be a positive integer, got ${v}`, name);
  return v;
}

function finiteNonNegative(v: number, name: string): number {
  if (!Number.isFinite(v) || v < 0)
    throw new TrainingError(`${name} must be a finite number ≥ 0, got ${v}`, name);
  return v;
}

/** Fills in the reference's defaults and rejects values training cannot use. */
export function resolveTrainingOptions(o: TrainGradiendOptions): ResolvedTrainingOptions {
  const source = o.source ?? 'alternative';
  const target = o.target ?? 'diff';
  for (const [name, v] of [
    ['source', source],
    ['target', target],
  ] as const) {
    if (!isGradientKind(v))
      throw new TrainingError(
        `${name} must be one of ${GRADIENT_KINDS.join(', ')}, got '${String(v)}'`,
        name,
      );
  }
  const activationEncoder = o.activationEncoder ?? 'tanh';
  const activationDecoder = o.activationDecoder ?? 'id';
  if (!isActivationName(activationEncoder) || activationEncoder === 'id') {
    // The reference builds the encoder's 'id' as LayerNorm(1), which has nothing to learn from.
    throw new TrainingError(
      `activationEncoder must be a differentiable activation other than 'id', got '${String(activationEncoder)}'`,
      'activationEncoder',
    );
  }
  if (!isActivationName(activationDecoder)) {
    throw new TrainingError(
      `activationDecoder must be one of the known activations, got '${String(activationDecoder)}'`,
      'activationDecoder',
    );
  }
  const maxSteps = o.maxSteps ?? -1;
  if (!Number.isSafeInteger(maxSteps) || (maxSteps < 1 && maxSteps !== -1)) {
    throw new TrainingError(`maxSteps must be a positive integer or -1, got ${maxSteps}`, 'maxSteps');
  }
  const learningRate = o.learningRate ?? 1e-5;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new TrainingError(`learningRate must be a positive number, got ${learningRate}`, 'learningRate');
  }
  const adamEpsilon = o.adamEpsilon ?? 1e-8;
  if (!(Number.isFinite(adamEpsilon) && adamEpsilon > 0)) {
    throw new TrainingError(`adamEpsilon must be a positive number, got ${adamEpsilon}`, 'adamEpsilon');
  }
  const meanThreshold =
    o.convergentMeanByClassThreshold === undefined
      ? DEFAULT_CONVERGENCE_CRITERIA.meanByClassThreshold
      : o.convergentMeanByClassThreshold;
  return {
    source,
    target,
    latentDim: positiveInteger(o.latentDim ?? 1, 'latentDim'),
    activationEncoder,
    activationDecoder,
    biasDecoder: o.biasDecoder ?? true,
    learningRate,
    weightDecay: finiteNonNegative(o.weightDecay ?? 0.01, 'weightDecay'),
    adamEpsilon,
    numTrainEpochs: positiveInteger(o.numTrainEpochs ?? 3, 'numTrainEpochs'),
    maxSteps,
    batchSize: positiveInteger(o.batchSize ?? 1, 'batchSize'),
    evalSteps: positiveInteger(o.evalSteps ?? 250, 'evalSteps'),
    seed: (() => {
      const s = o.seed ?? 0;
      if (!Number.isSafeInteger(s) || s < 0)
        throw new TrainingError(`seed must be a non-negative integer, got ${s}`, 'seed');
      return s;
    })(),
    maxSeeds: positiveInteger(o.maxSeeds ?? 1, 'maxSeeds'),
    shuffle: o.shuffle ?? true,
    normalize: o.normalize ?? true,
    convergentScoreThreshold: finiteNonNegative(
      o.convergentScoreThreshold ?? DEFAULT_CONVERGENCE_CRITERIA.scoreThreshold,
      'convergentScoreThreshold',
    ),
    convergentMeanByClassThreshold:
      meanThreshold === null ? null : finiteNonNegative(meanThreshold, 'convergentMeanByClassThreshold'),
  };
}
