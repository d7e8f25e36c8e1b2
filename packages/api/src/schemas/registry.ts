import { Type, type Static } from '@sinclair/typebox';
import { ParamReprSchema } from './analysis.js';
import { ImportancePartSchema, JsonObject, Literals } from './common.js';
import { ANALYSIS_STATES } from './vocabulary.js';

export const ParamSummarySchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer()),
  numel: Type.Integer(),
  repr: ParamReprSchema,
  num_selected: Type.Integer(),
});
export type ParamSummary = Static<typeof ParamSummarySchema>;

export const ArchitectureSchema = Type.Object({
  input_dim: Type.Integer(),
  latent_dim: Type.Integer(),
  activation_encoder: Type.String(),
  activation_decoder: Type.String(),
  // Absent in summaries stored before encoder-bias-free checkpoints were read (all had one).
  bias_encoder: Type.Optional(Type.Boolean()),
  bias_decoder: Type.Boolean(),
  dtype: Type.String(),
});

/**
 * What the core tells us about a checkpoint (the inspect and prune tasks' result), stored with the
 * version and served inside it.
 */
export const CheckpointSummarySchema = Type.Object({
  input_dim: Type.Integer(),
  latent_dim: Type.Integer(),
  unpruned_length: Type.Integer(),
  param_map_hash: Type.String(),
  dtype: Type.String(),
  architecture: ArchitectureSchema,
  param_map: Type.Array(ParamSummarySchema),
  base_model: Type.Union([Type.String(), Type.Null()]),
  gradient_context: Type.Union([JsonObject, Type.Null()]),
  training: Type.Union([JsonObject, Type.Null()], {
    description: 'training.json with lists longer than 32 entries summarised as {length, last}',
  }),
  metadata: JsonObject,
});
export type CheckpointSummary = Static<typeof CheckpointSummarySchema>;

export const FileSchema = Type.Object({
  name: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
});

export const VersionRefSchema = Type.Object({ name: Type.String(), version: Type.Integer() });

/** One importance part's cached analysis in this instance. */
export const PartStatusSchema = Type.Object(
  {
    part: ImportancePartSchema,
    state: Literals(ANALYSIS_STATES),
    started_at: Type.Union([Type.String(), Type.Null()], {
      description: 'Since when it computes, or when it did',
    }),
    elapsed_ms: Type.Union([Type.Integer(), Type.Null()]),
  },
  { title: 'PartStatus' },
);
export type PartStatus = Static<typeof PartStatusSchema>;

/** Per importance part, its cached analysis in this instance: null when nothing asked for it yet. */
export const AnalysisStatusSchema = Type.Union([Type.Array(PartStatusSchema), Type.Null()]);
export type AnalysisStatus = Static<typeof AnalysisStatusSchema>;

export const VersionSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    aliases: Type.Array(Type.String()),
    description: Type.String(),
    tags: Type.Array(Type.String()),
    ...CheckpointSummarySchema.properties,
    files: Type.Array(FileSchema),
    total_bytes: Type.Integer(),
    parent: Type.Union([VersionRefSchema, Type.Null()]),
    operation: Type.String({ description: 'upload or prune' }),
    operation_args: Type.Union([JsonObject, Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    created_by: Type.String(),
  },
  { title: 'Version' },
);
export type Version = Static<typeof VersionSchema>;

/** GET one version: the version with the state of its cached analysis. */
export const VersionDetailSchema = Type.Composite(
  [VersionSchema, Type.Object({ analysis: AnalysisStatusSchema })],
  { title: 'VersionDetail' },
);
export type VersionDetail = Static<typeof VersionDetailSchema>;

/** An upload answer when an existing version already has exactly these files. */
export const DuplicateVersionSchema = Type.Composite(
  [VersionSchema, Type.Object({ duplicate: Type.Literal(true) })],
  {
    title: 'DuplicateVersion',
    description: 'An existing version already has exactly these files; nothing was stored',
  },
);
export type DuplicateVersion = Static<typeof DuplicateVersionSchema>;

export const VersionListSchema = Type.Object({ items: Type.Array(VersionSchema) }, { title: 'VersionList' });
export type VersionList = Static<typeof VersionListSchema>;

export const DeletedVersionsSchema = Type.Object(
  { deleted: Type.Array(VersionRefSchema) },
  { title: 'DeletedVersions' },
);
export type DeletedVersions = Static<typeof DeletedVersionsSchema>;

/** A version's headline fields (listed with each model), as its checkpoint summary states them. */
export const LatestSummarySchema = Type.Composite(
  [
    Type.Object({ version: Type.Integer() }),
    Type.Pick(CheckpointSummarySchema, ['input_dim', 'unpruned_length', 'latent_dim', 'dtype', 'base_model']),
  ],
  { title: 'LatestVersionSummary' },
);
export type LatestSummary = Static<typeof LatestSummarySchema>;

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
export type Model = Static<typeof ModelSchema>;

export const ModelListSchema = Type.Object(
  {
    items: Type.Array(ModelSchema),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { title: 'ModelList' },
);
export type ModelList = Static<typeof ModelListSchema>;

export const ModelDetailSchema = Type.Composite(
  [ModelSchema, Type.Object({ versions: Type.Array(VersionSchema) })],
  { title: 'ModelDetail' },
);
export type ModelDetail = Static<typeof ModelDetailSchema>;

export const AliasSchema = Type.Object(
  { name: Type.String(), alias: Type.String(), version: Type.Integer() },
  { title: 'Alias' },
);
export type Alias = Static<typeof AliasSchema>;

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String(),
    actor: Type.String(),
    action: Type.String(),
    model: Type.Union([Type.String(), Type.Null()]),
    version: Type.Union([Type.Integer(), Type.Null()]),
    details: JsonObject,
  },
  { title: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const AuditListSchema = Type.Object({ items: Type.Array(AuditEntrySchema) }, { title: 'AuditList' });
export type AuditList = Static<typeof AuditListSchema>;
