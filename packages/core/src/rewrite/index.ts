// Node-only: rewriting reads and writes files.
export { REWRITE_PARTS, isRewritePart, parseRewritePart } from './rewrite-part.js';
export type { RewritePart } from './rewrite-part.js';
export { buildParamLookup, normalizeParamName, resolveParamName } from './param-lookup.js';
export { openGradiendWeightSource, weightSourceFromModel } from './gradiend-weight-source.js';
export type { GradiendWeightSource, RewriteWeight } from './gradiend-weight-source.js';
export { updateVector, featureFactorVector } from './update-vector.js';
export type { UpdateVector } from './update-vector.js';
export { openBaseModelFiles, BASE_INDEX_FILE, BASE_WEIGHTS_FILE } from './base-model-files.js';
export type { BaseModelFiles, BaseModelShard, BaseTensor } from './base-model-files.js';
export { planRewrite, REWRITABLE_DTYPES } from './rewrite-plan.js';
export type { PlannedUpdate, RewritePlan, RewritableDType } from './rewrite-plan.js';
export { addInDType } from './add-in-dtype.js';
export { rewriteBaseModel, prepareRewrite, writeRewrite, scaledDelta } from './rewrite-base-model.js';
export type {
  RewriteOptions,
  RewriteProgress,
  RewriteSummary,
  PreparedRewrite,
} from './rewrite-base-model.js';
export {
  writeSparsePatch,
  PATCH_FORMAT,
  PATCH_FORMAT_VERSION,
  PATCH_INDICES_SUFFIX,
  PATCH_VALUES_SUFFIX,
} from './sparse-patch.js';
export type { PatchSummary } from './sparse-patch.js';
export { readInputScale } from './input-scale.js';
export { rewriteTensors } from './rewrite-tensors.js';
export { runEffectSweep } from './effect-sweep.js';
export type { EffectSweepOptions } from './effect-sweep.js';
export {
  selectEffect,
  classEffect,
  strengthenFeatureFactor,
  EFFECT_LEARNING_RATES,
  EFFECT_FEATURE_FACTORS,
  ACCURACY_GUARD,
} from './effect-metrics.js';
export type { ClassEffect, EffectCandidate, EffectSelection, EffectSweepResult } from './effect-metrics.js';
