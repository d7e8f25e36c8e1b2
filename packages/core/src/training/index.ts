export { trainGradiend } from './train-gradiend.js';
export type { TrainedGradiend, GradiendContext } from './train-gradiend.js';
export { GRADIENT_KINDS, isGradientKind, resolveTrainingOptions } from './training-options.js';
export type {
  GradientKind,
  GradientSample,
  TrainGradiendOptions,
  TrainingProgress,
} from './training-options.js';
export {
  pearson,
  meanByLabel,
  judgeConvergence,
  judgeEncoderConvergence,
  DEFAULT_CONVERGENCE_CRITERIA,
} from './encoder-evaluation.js';
export type { ConvergenceCriteria, ConvergenceVerdict } from './encoder-evaluation.js';
