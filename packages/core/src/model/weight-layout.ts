import { WEIGHT_NAMES } from '../checkpoint/state-dict-names.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { GradiendArchitecture, GradiendWeights } from './types.js';

/** What the weight rules look at: a tensor's header (no data). */
export interface WeightHeader {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** One tensor of the reference's state dict for an architecture. */
export interface WeightSlot {
  readonly name: string;
  readonly shape: readonly number[];
  /** Its place in GradiendWeights. */
  readonly get: (w: GradiendWeights) => Tensor | null;
}

/** Whether the encoder's linear layer has a bias (config.json `bias_encoder`, true when absent). */
export function hasEncoderBias(arch: GradiendArchitecture): boolean {
  return arch.biasEncoder !== false;
}

/**
 * The state dict the reference holds for `arch`, in its module order: the encoder's linear layer
 * (bias only with bias_encoder), LayerNorm(1) when the encoder activation is `id`, the decoder's
 * linear layer (bias only with bias_decoder).
 */
export function weightLayout(arch: GradiendArchitecture): WeightSlot[] {
  const { inputDim: n, latentDim: l } = arch;
  const slots: WeightSlot[] = [
    { name: WEIGHT_NAMES.encoderWeight, shape: [l, n], get: (w) => w.encoderWeight },
  ];
  if (hasEncoderBias(arch))
    slots.push({ name: WEIGHT_NAMES.encoderBias, shape: [l], get: (w) => w.encoderBias });
  if (arch.activationEncoder === 'id') {
    slots.push(
      { name: WEIGHT_NAMES.layerNormWeight, shape: [1], get: (w) => w.encoderNorm?.weight ?? null },
      { name: WEIGHT_NAMES.layerNormBias, shape: [1], get: (w) => w.encoderNorm?.bias ?? null },
    );
  }
  slots.push({ name: WEIGHT_NAMES.decoderWeight, shape: [n, l], get: (w) => w.decoderWeight });
  if (arch.biasDecoder) slots.push({ name: WEIGHT_NAMES.decoderBias, shape: [n], get: (w) => w.decoderBias });
  return slots;
}

/** Why a known weight is not part of `arch`'s state dict. */
function whyNotExpected(name: string, arch: GradiendArchitecture): string | null {
  switch (name) {
    case WEIGHT_NAMES.encoderBias:
      return 'bias_encoder is false';
    case WEIGHT_NAMES.decoderBias:
      return 'bias_decoder is false';
    case WEIGHT_NAMES.layerNormWeight:
    case WEIGHT_NAMES.layerNormBias:
      return `only encoder activation 'id' has LayerNorm(1) weights, this one is '${arch.activationEncoder}'`;
    default:
      return null;
  }
}

/** Why a weight is required, for the "missing" message. */
function whyExpected(name: string): string | null {
  switch (name) {
    case WEIGHT_NAMES.encoderBias:
      return 'bias_encoder is true';
    case WEIGHT_NAMES.decoderBias:
      return 'bias_decoder is true';
    case WEIGHT_NAMES.layerNormWeight:
    case WEIGHT_NAMES.layerNormBias:
      return "encoder activation 'id' is LayerNorm(1) in the reference";
    default:
      return null;
  }
}

const FLOAT_DTYPES: ReadonlySet<DType> = new Set(['F32', 'F64', 'F16', 'BF16']);

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Every way `weights` (headers of a state dict) break the layout of `arch`, in a fixed order:
 * unexpected names (in the given order), then per slot of weightLayout a missing weight, a
 * non-float dtype or a wrong shape. Any float dtype is accepted: loading casts to torch_dtype, as
 * torch's load_state_dict copies into the model's parameters.
 */
export function weightProblems(arch: GradiendArchitecture, weights: readonly WeightHeader[]): string[] {
  const layout = weightLayout(arch);
  const expected = new Set(layout.map((s) => s.name));
  const problems: string[] = [];
  for (const w of weights) {
    if (expected.has(w.name)) continue;
    const why = whyNotExpected(w.name, arch);
    problems.push(`unexpected weight '${w.name}'${why ? ` (${why})` : ''}`);
  }
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const slot of layout) {
    const w = byName.get(slot.name);
    if (!w) {
      const why = whyExpected(slot.name);
      problems.push(`weight '${slot.name}' is missing${why ? ` (${why})` : ''}`);
    } else if (!FLOAT_DTYPES.has(w.dtype)) {
      problems.push(`weight '${slot.name}' has non-float dtype ${w.dtype}`);
    } else if (shapeText(w.shape) !== shapeText(slot.shape)) {
      problems.push(
        `weight '${slot.name}' has shape ${shapeText(w.shape)}, expected ${shapeText(slot.shape)}`,
      );
    }
  }
  return problems;
}

/** The state dict of `w` (every tensor it holds, in layout order of the fields). */
export function stateDictOf(w: GradiendWeights): Array<readonly [string, Tensor]> {
  const entries: Array<readonly [string, Tensor | null]> = [
    [WEIGHT_NAMES.encoderWeight, w.encoderWeight],
    [WEIGHT_NAMES.encoderBias, w.encoderBias],
    [WEIGHT_NAMES.layerNormWeight, w.encoderNorm?.weight ?? null],
    [WEIGHT_NAMES.layerNormBias, w.encoderNorm?.bias ?? null],
    [WEIGHT_NAMES.decoderWeight, w.decoderWeight],
    [WEIGHT_NAMES.decoderBias, w.decoderBias],
  ];
  return entries.filter((e): e is readonly [string, Tensor] => e[1] !== null);
}

/**
 * GradiendWeights for `arch` from a state dict that satisfies weightProblems (`get` returns each
 * slot's tensor, already in the model dtype).
 */
export function weightsFromStateDict(
  arch: GradiendArchitecture,
  get: (name: string) => Tensor,
): GradiendWeights {
  return {
    encoderWeight: get(WEIGHT_NAMES.encoderWeight),
    encoderBias: hasEncoderBias(arch) ? get(WEIGHT_NAMES.encoderBias) : null,
    decoderWeight: get(WEIGHT_NAMES.decoderWeight),
    decoderBias: arch.biasDecoder ? get(WEIGHT_NAMES.decoderBias) : null,
    encoderNorm:
      arch.activationEncoder === 'id'
        ? { weight: get(WEIGHT_NAMES.layerNormWeight), bias: get(WEIGHT_NAMES.layerNormBias) }
        : null,
  };
}
