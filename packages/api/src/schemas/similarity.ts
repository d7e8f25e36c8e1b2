import { DISPERSIONS, IMPORTANCE_PARTS, SEED_AGGREGATES, SIMILARITY_MEASURES } from '@gradiend/core';
import { Type, type Static } from '@sinclair/typebox';
import { Literals } from './common.js';
import { TopkBody } from './topk.js';
import { MODEL_AT_REF_PATTERN } from './vocabulary.js';

const ModelAtRef = Type.String({ pattern: MODEL_AT_REF_PATTERN, description: 'name@ref' });
const literals = <const T extends readonly string[]>(values: T, description: string) =>
  Literals(values, { description });

const Matrix = Type.Array(Type.Array(Type.Number()));
export const CellStatsSchema = Type.Object({
  aggregate: Type.Number(),
  n: Type.Integer(),
  min: Type.Number(),
  max: Type.Number(),
  scores: Type.Array(Type.Number()),
  std: Type.Optional(Type.Number()),
  range_half_width: Type.Optional(Type.Number()),
  minmax: Type.Optional(Type.Array(Type.Number())),
});
const GroupMatrix = Type.Object({
  measure: Type.String(),
  group: Type.String(),
  group_by: Type.String(),
  model_ids: Type.Array(Type.String()),
  matrix: Matrix,
  part: Type.String(),
  topk: Type.Union([Type.Number(), Type.Null()]),
});

export const SimilarityMatrixResponseSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('matrix'), Type.Literal('grouped')]),
    models: Type.Array(Type.Object({ id: Type.String(), versions: Type.Array(Type.String()) }), {
      description: 'Each row/column id with the versions (name@number) it stands for',
    }),
    measure: Type.String(),
    model_ids: Type.Array(Type.String()),
    part: Type.String(),
    topk: Type.Union([Type.Number(), Type.Null()]),
    matrix: Type.Optional(Matrix),
    value: Type.Optional(Type.String()),
    resolved_topk: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    block_dim: Type.Optional(Type.Integer()),
    per_model: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Integer()))),
    per_model_omitted: Type.Optional(Type.Boolean()),
    full_zero_filled: Type.Optional(Type.Boolean()),
    sparse_exact: Type.Optional(Type.Boolean()),
    fallback_dense: Type.Optional(Type.Boolean()),
    seed_aggregate: Type.Optional(Type.String()),
    dispersion: Type.Optional(Type.String()),
    n_matrix: Type.Optional(Type.Array(Type.Array(Type.Integer()))),
    cell_stats: Type.Optional(Type.Array(Type.Array(CellStatsSchema))),
    multi_seed: Type.Optional(Type.Boolean()),
    global_n: Type.Optional(Type.Integer()),
    global_n_range: Type.Optional(Type.Array(Type.Integer())),
    group_by: Type.Optional(Type.String()),
    groups: Type.Optional(Type.Record(Type.String(), GroupMatrix)),
  },
  { title: 'SimilarityMatrixResponse' },
);
export type SimilarityMatrixResponse = Static<typeof SimilarityMatrixResponseSchema>;

/** A matrix row: one version (`name@ref`), or several seeds of one feature under an id. */
export const VersionOrSeedGroupSchema = Type.Union([
  ModelAtRef,
  Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 100 }),
      refs: Type.Array(ModelAtRef, { minItems: 1, maxItems: 16, description: 'Seeds of one feature' }),
    },
    { additionalProperties: false },
  ),
]);
export type VersionOrSeedGroup = Static<typeof VersionOrSeedGroupSchema>;

/** POST /compare/matrix: versions (or seed groups of versions) and the reference's options. */
export const SimilarityMatrixBodySchema = Type.Object(
  {
    models: Type.Array(VersionOrSeedGroupSchema, { minItems: 2, maxItems: 32 }),
    measure: Type.Optional(literals(SIMILARITY_MEASURES, 'Default cosine')),
    part: Type.Optional(
      literals(IMPORTANCE_PARTS, 'Default decoder-weight for topk_overlap, encoder-weight otherwise'),
    ),
    topk: Type.Optional(TopkBody),
    value: Type.Optional(
      literals(
        ['intersection_frac', 'intersection'],
        'topk_overlap: fraction of the smaller set, or the count',
      ),
    ),
    seed_aggregate: Type.Optional(literals(SEED_AGGREGATES, 'Seed groups: how a cell aggregates its pairs')),
    dispersion: Type.Optional(literals(DISPERSIONS, 'Seed groups: spread reported per cell')),
    group_by: Type.Optional(
      literals(['param', 'layer', 'component'], 'One matrix per parameter group (single versions only)'),
    ),
  },
  { additionalProperties: false, title: 'SimilarityMatrixBody' },
);
export type SimilarityMatrixBody = Static<typeof SimilarityMatrixBodySchema>;
