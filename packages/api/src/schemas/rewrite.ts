import { ACCURACY_GUARD, REWRITE_PARTS } from '@gradiend/core';
import { Type, type Static } from '@sinclair/typebox';
import { Literals } from './common.js';

const BASE_MODEL_ID_PATTERN = '^[0-9a-f]{64}$';
/** A base model's id: the SHA-256 of its weights. */
export const BaseModelId = Type.String({
  pattern: BASE_MODEL_ID_PATTERN,
  description: 'SHA-256 of the weights',
});

export const RewritePartSchema = Literals(REWRITE_PARTS, {
  description: 'decoder: decoder(feature_factor) incl. bias; else that update vector',
});

const Blob = Type.Object({ sha256: Type.String(), size: Type.Integer() });

export const BaseModelLineageSchema = Type.Object(
  {
    base: Type.String({ description: 'id of the base model that was rewritten' }),
    gradiend: Type.Object({ name: Type.String(), version: Type.Integer() }),
    learning_rate: Type.Number({ description: 'as requested (before input_scale)' }),
    input_scale: Type.Union([Type.Number(), Type.Null()], {
      description: "training.json's input_scale when the learning rate was scaled by it, else null",
    }),
    feature_factor: Type.Array(Type.Number()),
    part: Type.String(),
  },
  { title: 'BaseModelLineage' },
);

export const BaseModelSchema = Type.Object(
  {
    id: BaseModelId,
    name: Type.String({ description: "What GRADIENDs' base_model names (several base models may share it)" }),
    size: Type.Integer({ description: 'Bytes of the weights' }),
    onnx: Type.Union([Blob, Type.Null()], { description: 'The ONNX graph, when attached' }),
    test_set: Type.Union([Blob, Type.Null()], { description: 'The labeled test set, when attached' }),
    lineage: Type.Union([BaseModelLineageSchema, Type.Null()], {
      description: 'How a rewritten base model was made; null for an uploaded one',
    }),
    files: Type.Union([Type.Array(Type.Object({ name: Type.String(), ...Blob.properties })), Type.Null()], {
      description:
        'A base given as Hugging Face shards (with model.safetensors.index.json): its files; id is then the SHA-256 of this file list. Null for a single safetensors file',
    }),
    created_at: Type.String(),
    created_by: Type.String(),
    downloads: Type.Object({
      weights: Type.Optional(Type.String({ description: 'the safetensors file (a single-file base)' })),
      files: Type.Optional(
        Type.Record(Type.String(), Type.String(), { description: 'file name → download (a sharded base)' }),
      ),
      onnx: Type.Optional(Type.String()),
      test_set: Type.Optional(Type.String()),
    }),
  },
  { title: 'BaseModel' },
);
export type BaseModel = Static<typeof BaseModelSchema>;

export const BaseModelListSchema = Type.Object(
  { items: Type.Array(BaseModelSchema) },
  { title: 'BaseModelList' },
);
export type BaseModelList = Static<typeof BaseModelListSchema>;

export const RewriteBodySchema = Type.Object(
  {
    learning_rate: Type.Number({ description: "θ' = θ + learning_rate · u; never sign-flipped" }),
    feature_factor: Type.Optional(
      Type.Array(Type.Number(), { minItems: 1, description: 'one per latent neuron (default 1 each)' }),
    ),
    part: Type.Optional(RewritePartSchema),
    scale_from_training: Type.Optional(
      Type.Boolean({ default: false, description: "multiply learning_rate by training.json's input_scale" }),
    ),
    base: Type.Optional(
      Type.String({
        pattern: BASE_MODEL_ID_PATTERN,
        description: "base model id (default: the one the GRADIEND's base_model names)",
      }),
    ),
    output: Type.Optional(Type.Union([Type.Literal('model'), Type.Literal('patch')], { default: 'model' })),
  },
  { additionalProperties: false, title: 'RewriteBody' },
);
export type RewriteBody = Static<typeof RewriteBodySchema>;

export const RewriteEffectBodySchema = Type.Object(
  {
    target: Type.Integer({ minimum: 0, description: 'class whose probability is reported' }),
    other: Type.Integer({ minimum: 0, description: 'the contrasted class' }),
    part: Type.Optional(RewritePartSchema),
    base: Type.Optional(
      Type.String({
        pattern: BASE_MODEL_ID_PATTERN,
        description: "base model id (default: the one the GRADIEND's base_model names)",
      }),
    ),
    learning_rates: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1, maxItems: 64 }),
    ),
    scale_from_training: Type.Optional(
      Type.Boolean({
        default: true,
        description: "multiply every learning rate by training.json's input_scale (the reference demo does)",
      }),
    ),
  },
  { additionalProperties: false, title: 'RewriteEffectBody' },
);
export type RewriteEffectBody = Static<typeof RewriteEffectBodySchema>;

const MeanProbability = Type.Record(Type.String(), Type.Number(), {
  description: 'true class → mean P(target) over the test inputs of that class',
});

const ClassEffectFields = {
  accuracy: Type.Number({ description: 'share of all test inputs classified as labeled' }),
  mean_probability: MeanProbability,
};

const EffectSelectionSchema = Type.Object({
  direction: Type.Union([Type.Literal('strengthen'), Type.Literal('weaken')]),
  feature_factor: Type.Number(),
  learning_rate: Type.Union([Type.Number(), Type.Null()], {
    description: 'the chosen learning rate; null when the grid has no candidate in this direction',
  }),
  metric: Type.Union([Type.Number(), Type.Null()], {
    description: 'strengthen: P(target) on the other class; weaken: 1 − P(target) on the target class',
  }),
  reason: Type.String({ description: 'why this point was chosen, in words' }),
});

export const RewriteEffectSchema = Type.Object(
  {
    target: Type.Integer(),
    other: Type.Integer(),
    part: RewritePartSchema,
    input_scale: Type.Number({ description: 'every learning rate was multiplied by this (1: not scaled)' }),
    learning_rates: Type.Array(Type.Number()),
    feature_factors: Type.Array(Type.Number()),
    accuracy_guard: Type.Number({
      description: `a candidate counts when its accuracy ≥ accuracy_guard × the base's (${ACCURACY_GUARD})`,
    }),
    base: Type.Object(ClassEffectFields),
    candidates: Type.Array(
      Type.Object({ feature_factor: Type.Number(), learning_rate: Type.Number(), ...ClassEffectFields }),
      { description: 'every feature factor × learning rate of the grid, in that order' },
    ),
    selection: Type.Object({ strengthen: EffectSelectionSchema, weaken: EffectSelectionSchema }),
  },
  { title: 'RewriteEffect' },
);
export type RewriteEffect = Static<typeof RewriteEffectSchema>;
