export { GradiendModel } from './gradiend-model.js';
export type {
  PruneResult,
  ForwardResult,
  ParamArray,
  ComputeOptions,
  DecodeOptions,
} from './gradiend-model.js';
export { encodeLinearRows, activateEncoded, encodeRowsWith } from './gradiend-encoder.js';
export type { GradiendEncoder } from './gradiend-encoder.js';
export type { ImportanceOptions } from './importance.js';
export type { InputKernels } from './input-kernels.js';
export { ACTIVATION_NAMES, isActivationName } from './activation.js';
export type { ActivationName } from './activation.js';
export { IMPORTANCE_PARTS, parseImportancePart } from './importance.js';
export type { ImportancePart } from './importance.js';
export type { PruneOptions, TopKSpec } from './prune-arguments.js';
export { scatterToParams } from './gradient-dict.js';
export type { GradientDict, GradientTensor } from './gradient-dict.js';
export { hasEncoderBias, weightLayout } from './weight-layout.js';
export type { WeightHeader, WeightSlot } from './weight-layout.js';
export { selectTopK, EXACT_TIE_EMULATION_LIMIT } from './topk/select-top-k.js';
export { dtypeRounder } from './dtype-rounding.js';
export type {
  GradiendArchitecture,
  GradiendWeights,
  ComputeWeights,
  GradiendModelLike,
  FloatArray,
  RankedScores,
} from './types.js';
