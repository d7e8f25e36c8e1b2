import { Type, type Static } from '@sinclair/typebox';
import { JsonObject } from './common.js';

export const ParamSummarySchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer()),
  numel: Type.Integer(),
  repr: Type.String(),
  num_selected: Type.Integer(),
});

export const FileSchema = Type.Object({
  name: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
});

/** Per importance part, its cached analysis in this instance: null when nothing asked for it yet. */
export const AnalysisStatusSchema = Type.Union([
  Type.Array(
    Type.Object({
      part: Type.String(),
      state: Type.Union([
        Type.Literal('queued'),
        Type.Literal('computing'),
        Type.Literal('ready'),
        Type.Literal('failed'),
      ]),
      started_at: Type.Union([Type.String(), Type.Null()]),
      elapsed_ms: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  Type.Null(),
]);

export const VersionSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    aliases: Type.Array(Type.String()),
    description: Type.String(),
    tags: Type.Array(Type.String()),
    input_dim: Type.Integer(),
    latent_dim: Type.Integer(),
    unpruned_length: Type.Integer(),
    param_map_hash: Type.String(),
    dtype: Type.String(),
    architecture: Type.Object({
      input_dim: Type.Integer(),
      latent_dim: Type.Integer(),
      activation_encoder: Type.String(),
      activation_decoder: Type.String(),
      // Absent in summaries stored before encoder-bias-free checkpoints were read (all had one).
      bias_encoder: Type.Optional(Type.Boolean()),
      bias_decoder: Type.Boolean(),
      dtype: Type.String(),
    }),
    param_map: Type.Array(ParamSummarySchema),
    base_model: Type.Union([Type.String(), Type.Null()]),
    gradient_context: Type.Union([JsonObject, Type.Null()]),
    training: Type.Union([JsonObject, Type.Null()]),
    metadata: JsonObject,
    files: Type.Array(FileSchema),
    total_bytes: Type.Integer(),
    parent: Type.Union([Type.Object({ name: Type.String(), version: Type.Integer() }), Type.Null()]),
    operation: Type.String({ description: 'upload or prune' }),
    operation_args: Type.Union([JsonObject, Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    created_by: Type.String(),
  },
  { title: 'Version' },
);
export type VersionJson = Static<typeof VersionSchema>;

export const LatestSummarySchema = Type.Object(
  {
    version: Type.Integer(),
    input_dim: Type.Integer(),
    unpruned_length: Type.Integer(),
    latent_dim: Type.Integer(),
    dtype: Type.String(),
    base_model: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'LatestVersionSummary' },
);

export const ModelSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    tags: Type.Array(Type.String()),
    aliases: Type.Record(Type.String(), Type.Integer()),
    version_count: Type.Integer(),
    latest_version: Type.Union([Type.Integer(), Type.Null()]),
    latest: Type.Union([LatestSummarySchema, Type.Null()], {
      description: "The latest version's headline fields; null while the model has no version",
    }),
    created_at: Type.String({ format: 'date-time' }),
    created_by: Type.String(),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { title: 'Model' },
);
export type ModelJson = Static<typeof ModelSchema>;

export const ModelDetailSchema = Type.Composite(
  [ModelSchema, Type.Object({ versions: Type.Array(VersionSchema) })],
  {
    title: 'ModelDetail',
  },
);

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  model: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.Integer(), Type.Null()]),
  details: JsonObject,
});
