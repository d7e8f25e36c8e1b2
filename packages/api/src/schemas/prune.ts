import { Type, type Static } from '@sinclair/typebox';
import { Literals, ModelName, PartQuery } from './common.js';
import { VersionSchema } from './registry.js';
import { JobWaitQuery } from './jobs.js';
import { TopkBody } from './topk.js';
import { PRUNE_PREVIEW_METHODS } from './vocabulary.js';

export const PruneBodySchema = Type.Object(
  {
    topk: Type.Optional(TopkBody),
    threshold: Type.Optional(Type.Number()),
    part: Type.Optional(PartQuery),
    mask: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 1 }), { description: 'one 0/1 per input dim' }),
    ),
    keep_idx: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
  },
  { additionalProperties: false, title: 'PruneBody' },
);
export type PruneBody = Static<typeof PruneBodySchema>;

/** prune's body: prune/preview's plus the model that receives the new version. */
export const PruneWithTargetBodySchema = Type.Composite(
  [PruneBodySchema, Type.Object({ target: Type.Optional(ModelName) })],
  { additionalProperties: false, title: 'PruneWithTargetBody' },
);
export type PruneWithTargetBody = Static<typeof PruneWithTargetBodySchema>;

/** prune's query: `?async=1` runs it as a job (`?wait=` as every job route). */
export const PruneQuerySchema = Type.Composite([
  Type.Object({
    async: Type.Optional(
      Literals(['1', 'true', '0', 'false'], {
        description:
          '1/true: run as a job: 202 + Location: /api/jobs/{id} (200 with the new version when done within ?wait=)',
      }),
    ),
  }),
  JobWaitQuery,
]);

/** What a prune keeps, as the worker computes it (before the registry adds stored sizes). */
const pruneOutcomeFields = {
  input_dim: Type.Integer(),
  unpruned_length: Type.Integer(),
  previous_input_dim: Type.Integer(),
  param_map_hash: Type.String(),
  params: Type.Array(
    Type.Object({
      name: Type.String(),
      numel: Type.Integer(),
      previous: Type.Integer(),
      kept: Type.Integer(),
    }),
  ),
};
export const PruneOutcomeSchema = Type.Object(pruneOutcomeFields);
export type PruneOutcome = Static<typeof PruneOutcomeSchema>;

export const PrunePreviewSchema = Type.Object(
  {
    ...pruneOutcomeFields,
    param_map_hash: Type.Union([Type.String(), Type.Null()], {
      description:
        'The pruned param map hash; null for previews answered from the summary (it needs the exact positions)',
    }),
    method: Type.Optional(
      Literals(PRUNE_PREVIEW_METHODS, {
        description:
          'How the preview was computed, all exact: summary bucket counts, a scan of the cached importance (the boundary fell inside a bucket), or an in-memory prune',
      }),
    ),
    stored_bytes_before: Type.Integer({ description: "Total size of the source version's stored files" }),
    stored_bytes_after: Type.Integer({
      description:
        'Total size of the files the prune stores (weights, mapping files, JSON), computed exactly',
    }),
  },
  { title: 'PrunePreview' },
);
export type PrunePreview = Static<typeof PrunePreviewSchema>;

export const PruneResultSchema = Type.Composite([VersionSchema, Type.Object({ prune: PrunePreviewSchema })], {
  title: 'PruneResult',
});
export type PruneResult = Static<typeof PruneResultSchema>;
