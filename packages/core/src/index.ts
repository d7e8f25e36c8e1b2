// @gradiend/core — browser-safe: no Node built-ins are reachable from this entry.
export {
  GradiendModel,
  ACTIVATION_NAMES,
  isActivationName,
  IMPORTANCE_PARTS,
  parseImportancePart,
  selectTopK,
  EXACT_TIE_EMULATION_LIMIT,
  dtypeRounder,
  scatterToParams,
  hasEncoderBias,
  weightLayout,
  encodeLinearRows,
  activateEncoded,
  encodeRowsWith,
} from './model/index.js';
export type {
  PruneResult,
  ForwardResult,
  ParamArray,
  ComputeOptions,
  GradiendEncoder,
  DecodeOptions,
  ImportanceOptions,
  InputKernels,
  ActivationName,
  ImportancePart,
  PruneOptions,
  TopKSpec,
  GradientDict,
  GradientTensor,
  GradiendArchitecture,
  GradiendWeights,
  ComputeWeights,
  GradiendModelLike,
  FloatArray,
  WeightHeader,
  WeightSlot,
} from './model/index.js';

export {
  ParamMap,
  ParamMapEntry,
  paramMapHash,
  chooseRepr,
  bytesPerIndex,
  mappingTensorBytes,
  unravelIndex,
  PARAM_REPRS,
} from './mapping/index.js';
export type { ParamRepr, IndexArray, ParamSelectionSpec, DecodedIndex } from './mapping/index.js';

export {
  parseCheckpointConfig,
  assembleModel,
  planCheckpoint,
  pruneStandIn,
  CONFIG_FILE,
  WEIGHT_NAMES,
  WEIGHT_FILES,
  TRAINING_FILE,
  CONTEXT_FILE,
} from './checkpoint/index.js';
export type {
  CheckpointConfig,
  MappingConfig,
  MappingEntryConfig,
  CheckpointParts,
  CheckpointProblem,
  CheckpointPlan,
  SaveOptions,
  PruneStandInSource,
} from './checkpoint/index.js';

export {
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  readSafetensorsBuffer,
  summarizeSafetensors,
  planSafetensorsLayout,
  serializeSafetensors,
  MAX_HEADER_BYTES,
} from './safetensors/index.js';
export type {
  SafetensorsHeader,
  SafetensorsTensorInfo,
  SafetensorsSummary,
  SafetensorsBuffer,
  SafetensorsEntries,
  SafetensorsLayout,
} from './safetensors/index.js';

export {
  exportEncoderOnnx,
  exportDecoderOnnx,
  exportMlpOnnx,
  OnnxExportError,
  ONNX_OPSET,
  OnnxWeights,
} from './onnx/index.js';
export type { OnnxExportOptions, OnnxElementType, MlpOnnxNames, OnnxFloatInitializer } from './onnx/index.js';

export { MlpModel, extractGradients, paramMapOfModel, trainClassifier } from './base-model/index.js';
export type {
  BaseModel,
  NamedParameter,
  ClassifierBatch,
  MlpOptions,
  ExtractGradientsOptions,
  ParameterGradient,
  TrainClassifierOptions,
} from './base-model/index.js';

export {
  trainGradiend,
  GRADIENT_KINDS,
  isGradientKind,
  resolveTrainingOptions,
  pearson,
  meanByLabel,
  judgeConvergence,
  judgeEncoderConvergence,
  DEFAULT_CONVERGENCE_CRITERIA,
} from './training/index.js';
export type {
  TrainedGradiend,
  GradiendContext,
  GradientKind,
  GradientSample,
  TrainGradiendOptions,
  TrainingProgress,
  ConvergenceCriteria,
  ConvergenceVerdict,
} from './training/index.js';

export {
  similarityMatrix,
  groupedSimilarityMatrices,
  groupOfParam,
  SpaceProjection,
  assertSameParamSpace,
  SIMILARITY_MEASURES,
  SEED_AGGREGATES,
  DISPERSIONS,
  CROSS_ENCODING_METRICS,
  crossEncodingMatrix,
  crossEncodingScore,
  normalizeRowsByDiagonal,
} from './comparison/index.js';
export type {
  SimilarityMatrix,
  SimilarityModels,
  SimilarityOptions,
  SimilarityMeasure,
  GroupBy,
  GroupSimilarity,
  GroupedSimilarityOptions,
  ParamSpace,
  CellStats,
  SeedAggregate,
  Dispersion,
  CrossEncodingMatrix,
  CrossEncodingMetric,
  CrossEncodingOptions,
  EncodedLabeledRows,
} from './comparison/index.js';

export {
  encoderMetrics,
  scorecardConvergence,
  pruningCurve,
  PrunedEncoder,
  PRUNED_SUM_SAMPLES_PER_PASS,
  pruneGrid,
  pruneRanking,
  parseManifest,
  MANIFEST_COLUMNS,
} from './evaluation/index.js';
export type {
  CurveSample,
  PruningCurveOptions,
  PruningCurvePoint,
  PruneRanking,
  PruneRankingOptions,
  RankingSource,
  ManifestRow,
  EncodedRow,
  EncoderMetrics,
  EncoderMetricsOptions,
  DimensionScores,
  SubsetScores,
  SplitGeneralization,
} from './evaluation/index.js';

export {
  downsampleImages,
  selectDigits,
  digitCount,
  DIGITS_DEMO_RECIPE,
  DIGITS_BASE_MODEL_ID,
  DIGITS_GRADIEND_DIR,
  buildSyntheticBertModel,
  bertParamMap,
  bertBaseDims,
  bertEncoderParams,
  BERT_BASE_INPUT_DIM,
} from './demo/index.js';
export type { DigitSet, SyntheticBertOptions, BertDims } from './demo/index.js';

export { Xorshift32 } from './random/xorshift32.js';

export { DTYPES, MODEL_DTYPES, isDType, isModelDType } from './tensor/dtype.js';
export type { DType, DataTypeMap, TypedArray, ModelDType } from './tensor/dtype.js';
export { tensor, numelOf, typedTensor } from './tensor/tensor.js';
export type { Tensor, DTypedTensor } from './tensor/tensor.js';
export { halfToFloat, floatToHalf, bf16ToFloat, floatToBf16 } from './tensor/half.js';
export { toFloat64, castToModelDType } from './tensor/convert.js';
export { countNonFinite } from './tensor/non-finite.js';

export {
  JsonNumber,
  JsonObject,
  JsonSyntaxError,
  parseJson,
  stringifyPythonJson,
  toPlain,
  fromPlain,
} from './json/index.js';
export type { JsonValue } from './json/index.js';

export {
  GradiendError,
  SafetensorsFormatError,
  TorchCheckpointError,
  CheckpointError,
  MappingError,
  PruneArgumentError,
  InputShapeError,
  GradientExtractionError,
  TrainingError,
  EncoderMetricsError,
  ComparisonError,
  LabeledSetError,
  RewriteError,
} from './errors.js';
export type { SafetensorsRule } from './errors.js';

export { readTopk, topkUpperBound, topkToQuery, TOPK_FORMS_HINT } from './topk-input/index.js';
export type { TopkRequest, TopkReading } from './topk-input/index.js';

export { FINE_BITS, SEGMENT_BITS } from './importance-summary/summary-types.js';
export type { ImportanceSummary, SegmentSummary, CountAnswer } from './importance-summary/summary-types.js';
export { summarizeImportance } from './importance-summary/summary-kernels.js';
export { orderKey, keyValue, ceilKey } from './importance-summary/order-keys.js';
export {
  countFromKey,
  segmentCountFromKey,
  countAtLeast,
  segmentCountAtLeast,
  topKBoundary,
  keptPerSegmentByThreshold,
  keptPerSegmentByTopK,
  quantile,
  finiteCount,
  summaryHistogram,
} from './importance-summary/summary-queries.js';
export { topKFromSummary } from './importance-summary/topk-from-summary.js';
export type {
  TopKBoundary,
  PerSegmentAnswer,
  BucketValue,
  SummaryHistogram,
} from './importance-summary/summary-queries.js';
export { encodeSummary, decodeSummary, SUMMARY_FORMAT } from './importance-summary/summary-codec.js';
export {
  keptPerSegmentByThresholdExact,
  keptPerSegmentByTopKExact,
} from './importance-summary/exact-kept-kernels.js';
export type { ScanOptions } from './importance-summary/exact-kept-kernels.js';

export {
  selectEffect,
  classEffect,
  strengthenFeatureFactor,
  EFFECT_LEARNING_RATES,
  EFFECT_FEATURE_FACTORS,
  ACCURACY_GUARD,
} from './rewrite/effect-metrics.js';
export type {
  ClassEffect,
  EffectCandidate,
  EffectSelection,
  EffectSweepResult,
} from './rewrite/effect-metrics.js';
export { REWRITE_PARTS, isRewritePart, parseRewritePart } from './rewrite/rewrite-part.js';
export type { RewritePart } from './rewrite/rewrite-part.js';
