import { CROSS_ENCODING_METRICS, DISPERSIONS, SEED_AGGREGATES } from '@gradiend/core';
import { Type, type Static } from '@sinclair/typebox';
import { Literals, ModelName } from './common.js';
import { LabeledSetName } from './evaluation.js';
import { CellStatsSchema, VersionOrSeedGroupSchema } from './similarity.js';
import { MAX_CROSS_ENCODING_SIDE } from './vocabulary.js';

/** POST /compare/cross-encoding: GRADIENDs (rows) and labeled sets (columns). */
export const CrossEncodingBodySchema = Type.Object(
  {
    rows: Type.Array(VersionOrSeedGroupSchema, {
      minItems: 1,
      maxItems: MAX_CROSS_ENCODING_SIDE,
      description: 'The GRADIENDs that encode (name@ref), or seed groups of them; one matrix row each',
    }),
    columns: Type.Array(
      Type.Object({ model: ModelName, set: LabeledSetName }, { additionalProperties: false }),
      {
        minItems: 1,
        maxItems: MAX_CROSS_ENCODING_SIDE,
        description: "The labeled sets encoded (a model's set by name); one matrix column each",
      },
    ),
    metric: Type.Optional(
      Literals(CROSS_ENCODING_METRICS, {
        description:
          "Cell value: the mean encoding of the column set's positive class (label +1), of its negative class (−1), or their difference. Neutral rows never count.",
      }),
    ),
    normalize: Type.Optional(
      Type.Boolean({
        description:
          "Divide each row by its diagonal cell (each GRADIEND's encoding of its own model's set): needs as many rows as columns, row i's model owning column i's set",
      }),
    ),
    allow_incomplete: Type.Optional(
      Type.Boolean({
        description: 'A cell the GRADIEND cannot encode (another input space) is null instead of a 422',
      }),
    ),
    seed_aggregate: Type.Optional(Literals(SEED_AGGREGATES, { description: 'How seeds of a row combine' })),
    dispersion: Type.Optional(Literals(DISPERSIONS, { description: 'Spread of the seeds in cell_stats' })),
  },
  { additionalProperties: false },
);
export type CrossEncodingBody = Static<typeof CrossEncodingBodySchema>;

const NullableMatrix = Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()])));

export const CrossEncodingResponseSchema = Type.Object(
  {
    measure: Type.String(),
    metric: Type.String(),
    rows: Type.Array(Type.String(), { description: 'Row ids: name@number, or the seed group id' }),
    row_versions: Type.Array(Type.Array(Type.String()), {
      description: 'The versions (name@number) of each row',
    }),
    columns: Type.Array(Type.String(), { description: 'Column ids: model/set' }),
    matrix: NullableMatrix,
    available_mask: Type.Array(Type.Array(Type.Boolean())),
    n_matrix: Type.Array(Type.Array(Type.Integer())),
    cell_stats: Type.Array(Type.Array(Type.Union([CellStatsSchema, Type.Null()]))),
    seed_aggregate: Type.String(),
    dispersion: Type.String(),
    multi_seed: Type.Boolean(),
    row_normalized_by_diagonal: Type.Boolean(),
    unavailable: Type.Array(
      Type.Object({ row: Type.Integer(), column: Type.Integer(), detail: Type.String() }),
      { description: 'Why each null cell is missing (allow_incomplete)' },
    ),
  },
  { title: 'CrossEncodingResponse' },
);
export type CrossEncodingResponse = Static<typeof CrossEncodingResponseSchema>;
