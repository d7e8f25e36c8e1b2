import { Type, type Static } from '@sinclair/typebox';
import { ImportancePartSchema, JsonObject, ModelName, VersionRefParam } from './common.js';
import { FileSchema } from './registry.js';
import {
  LABELED_SET_FORMATS,
  LABELED_SET_NAME_PATTERN,
  MAX_CURVE_EXTRA_KS,
  MAX_CURVE_POINTS,
} from './vocabulary.js';
import { Literals } from './common.js';

export const LabeledSetName = Type.String({
  pattern: LABELED_SET_NAME_PATTERN,
  description: 'Labeled set name: lowercase slug, unique within its model',
});
export const LabeledSetParams = Type.Object({ name: ModelName, set: LabeledSetName });

/** One sample of a set: where its gradient is and the reference's encoder-DataFrame columns. */
export const LabeledSampleSchema = Type.Object({
  index: Type.Integer({ description: 'Position in the manifest (0-based)' }),
  file: Type.Optional(Type.String({ description: 'Per-sample gradient file (per-sample sets)' })),
  row: Type.Optional(Type.Integer({ description: 'Row of the batched tensor (batched sets)' })),
  label: Type.Number({ description: '+1 / −1 for the two target classes, 0 for identity or neutral' }),
  type: Type.Optional(Type.String()),
  source_id: Type.Optional(Type.String()),
  target_id: Type.Optional(Type.String()),
  data_split: Type.Optional(Type.String()),
});

export const LabeledSetSchema = Type.Object({
  name: Type.String(),
  model: Type.String(),
  description: Type.String(),
  root_version: Type.Integer({
    description:
      'The version whose input space the gradients are given in; the set serves it and every version pruned from it (dims matched by base-global index)',
  }),
  format: Literals(LABELED_SET_FORMATS, {
    description:
      "`per-sample`: one per-parameter safetensors file per sample, keyed by base parameter names; `batched`: one [N, input_dim] tensor in the root's input space",
  }),
  n_samples: Type.Integer(),
  input_dim: Type.Integer({ description: "The root version's input dims" }),
  dtype: Type.String({ description: 'Stored dtype of the gradients (F32, F16 or BF16, as uploaded)' }),
  label_counts: Type.Record(Type.String(), Type.Integer(), {
    description: 'Samples per label, keyed like the scorecard\'s by-class keys ("-1.0", "0.0", "1.0")',
  }),
  content_sha256: Type.String({
    description: 'Hash of the manifest and the gradient files: what caches key on',
  }),
  files: Type.Array(FileSchema, { description: 'Stored blobs: manifest.json and the gradient files' }),
  bytes: Type.Integer(),
  created_at: Type.String(),
  created_by: Type.String(),
});
export type LabeledSetJson = Static<typeof LabeledSetSchema>;

export const LabeledSetDetailSchema = Type.Composite([
  LabeledSetSchema,
  Type.Object({ samples: Type.Array(LabeledSampleSchema) }),
]);
export type LabeledSetDetailJson = Static<typeof LabeledSetDetailSchema>;

export const LabeledSetListQuery = Type.Object({
  version: Type.Optional(
    Type.String({
      pattern: VersionRefParam.pattern,
      description: "Only the sets that serve this version (its own or an ancestor's input space)",
    }),
  ),
});
export const LabeledSetListSchema = Type.Object({ items: Type.Array(LabeledSetSchema) });
export type LabeledSetListJson = Static<typeof LabeledSetListSchema>;
export type LabeledSampleJson = Static<typeof LabeledSampleSchema>;

export const EvaluationQuery = Type.Object({
  set: LabeledSetName,
});

/** The reference's encoder scorecard (`get_encoder_metrics_from_dataframe`), keys as it writes them. */
const ScorecardSchema = Type.Unsafe<Record<string, unknown>>({
  ...JsonObject,
  description:
    "The reference's scorecard: n_samples, all_data / training_only / target_classes_only {correlation, accuracy}, correlation, boundaries, mean/min/max/q1/q3/std/n_by_class, mean_by_type, abs_mean_by_type, split_generalization … (the core's EncoderMetrics)",
});

const ConvergenceSchema = Type.Object({
  converged: Type.Boolean(),
  min_target_class_abs_mean: Type.Union([Type.Number(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  criteria: Type.Object({
    score_threshold: Type.Number({ description: '|correlation| must reach this' }),
    mean_by_class_threshold: Type.Union([Type.Number(), Type.Null()], {
      description: 'min |class mean| over the target classes must reach this (null: not checked)',
    }),
  }),
});

export const EvaluationResponseSchema = Type.Object({
  model: Type.String(),
  version: Type.Integer(),
  set: Type.String(),
  root_version: Type.Integer(),
  input_scale: Type.Number({
    description: 'The gradients are divided by it before encoding (training.input_scale, or 1)',
  }),
  latent_dim: Type.Integer(),
  metrics: ScorecardSchema,
  convergence: ConvergenceSchema,
  samples: Type.Array(
    Type.Composite([
      LabeledSampleSchema,
      Type.Object({ encoded: Type.Array(Type.Number(), { description: 'One value per latent dimension' }) }),
    ]),
  ),
});
export type EvaluationResponse = Static<typeof EvaluationResponseSchema>;

export const PruningCurveQuery = Type.Object({
  set: LabeledSetName,
  part: Type.Optional(ImportancePartSchema),
  points: Type.Optional(
    Type.Integer({
      minimum: 2,
      maximum: MAX_CURVE_POINTS,
      default: 40,
      description: 'Log-spaced grid points from 1 to input_dim',
    }),
  ),
  k: Type.Optional(
    Type.String({
      maxLength: 16 * MAX_CURVE_EXTRA_KS,
      pattern: '^[0-9]+(,[0-9]+)*$',
      description: `Further top-k values to include, comma-separated (at most ${MAX_CURVE_EXTRA_KS})`,
    }),
  ),
});

const SubsetScores = Type.Object({ correlation: Type.Number(), accuracy: Type.Number() });

export const PruningCurvePointSchema = Type.Object({
  k: Type.Integer(),
  kept_dims: Type.Integer(),
  correlation: Type.Number({ description: "training_only correlation (the scorecard's headline)" }),
  accuracy: Type.Number({ description: 'training_only ternary accuracy' }),
  all_data: SubsetScores,
  training_only: SubsetScores,
  target_classes_only: SubsetScores,
  mean_by_class: Type.Record(Type.String(), Type.Number()),
  encoded: Type.Array(Type.Array(Type.Number()), {
    description: 'Per sample (manifest order), its latent vector at this k',
  }),
});

export type PruningCurvePoint = Static<typeof PruningCurvePointSchema>;

export const PruningCurveResponseSchema = Type.Object({
  model: Type.String(),
  version: Type.Integer(),
  set: Type.String(),
  root_version: Type.Integer(),
  part: Type.String(),
  input_dim: Type.Integer(),
  input_scale: Type.Number(),
  unpruned: Type.Object({
    correlation: Type.Number(),
    mean_by_class: Type.Record(Type.String(), Type.Number()),
  }),
  points: Type.Array(PruningCurvePointSchema),
});
export type PruningCurveResponse = Static<typeof PruningCurveResponseSchema>;
