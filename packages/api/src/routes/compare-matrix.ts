import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DISPERSIONS, SEED_AGGREGATES, SIMILARITY_MEASURES } from '@gradiend/core';
import { ResultCache } from '../analysis/result-cache.js';
import { ApiError } from '../errors/api-error.js';
import { RegistryService } from '../registry/registry-service.js';
import { problems } from '../schemas/common.js';
import { TopkBody, toTopkSpec } from '../schemas/topk.js';
import { IMPORTANCE_PARTS } from '../workers/task-types.js';
import type { SimilarityRequest, SimilarityResult } from '../workers/task-types.js';

const MODEL_AT_REF = '^[a-z0-9][a-z0-9._-]{0,99}@([0-9]{1,9}|[a-z][a-z0-9._-]{0,63})$';
const ModelAtRef = Type.String({ pattern: MODEL_AT_REF, description: 'name@ref' });
const literals = (values: readonly string[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

/** top-k lists longer than this are left out of `per_model` (a 1 % top-k of BERT-base is ~10^6 indices). */
export const PER_MODEL_LIMIT = 10_000;

const Matrix = Type.Array(Type.Array(Type.Number()));
const CellStats = Type.Object({
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

const MatrixResponse = Type.Object({
  kind: Type.Union([Type.Literal('matrix'), Type.Literal('grouped')]),
  models: Type.Array(Type.Object({ id: Type.String(), versions: Type.Array(Type.String()) }), {
    description: 'Each row/column id with the versions (name@number) it stands for',
  }),
  cached: Type.Boolean({ description: 'Served from the result cache (same version contents and options)' }),
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
  cell_stats: Type.Optional(Type.Array(Type.Array(CellStats))),
  multi_seed: Type.Optional(Type.Boolean()),
  global_n: Type.Optional(Type.Integer()),
  global_n_range: Type.Optional(Type.Array(Type.Integer())),
  group_by: Type.Optional(Type.String()),
  groups: Type.Optional(Type.Record(Type.String(), GroupMatrix)),
});

const compareMatrixRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks } = app.services;
  const results = new ResultCache<SimilarityResult>(32);

  app.post(
    '/compare/matrix',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary: 'Similarity matrix of several versions (or seed groups), aligned by base-global index',
        description:
          "The reference's compute_similarity_matrix (or, with group_by, compute_grouped_similarity_matrices). " +
          'Models must map the same base parameters (names and shapes). Results are cached by the ' +
          "versions' content hashes and the options.",
        body: Type.Object(
          {
            models: Type.Array(
              Type.Union([
                ModelAtRef,
                Type.Object(
                  {
                    id: Type.String({ minLength: 1, maxLength: 100 }),
                    refs: Type.Array(ModelAtRef, {
                      minItems: 1,
                      maxItems: 16,
                      description: 'Seeds of one feature',
                    }),
                  },
                  { additionalProperties: false },
                ),
              ]),
              { minItems: 2, maxItems: 32 },
            ),
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
            seed_aggregate: Type.Optional(
              literals(SEED_AGGREGATES, 'Seed groups: how a cell aggregates its pairs'),
            ),
            dispersion: Type.Optional(literals(DISPERSIONS, 'Seed groups: spread reported per cell')),
            group_by: Type.Optional(
              literals(
                ['param', 'layer', 'component'],
                'One matrix per parameter group (single versions only)',
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: MatrixResponse, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const body = request.body;
      const groups = body.models.map((m) =>
        typeof m === 'string' ? { id: null as string | null, refs: [m] } : { id: m.id, refs: m.refs },
      );
      if (body.group_by !== undefined && groups.some((g) => g.refs.length > 1))
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          'group_by compares single versions, not seed groups',
        );
      const resolved = await Promise.all(
        groups.map(async (g) => {
          const versions = await Promise.all(
            g.refs.map((r) => {
              const at = r.lastIndexOf('@');
              return registry.resolve(r.slice(0, at), r.slice(at + 1));
            }),
          );
          const names = versions.map((v) => `${v.model}@${v.version}`);
          return { id: g.id ?? (names[0] as string), versions, names };
        }),
      );
      const ids = resolved.map((g) => g.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined)
        throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `model id ${dup} appears twice`);

      const similarity: SimilarityRequest = {
        ...(body.measure !== undefined ? { measure: body.measure } : {}),
        ...(body.part !== undefined ? { part: body.part } : {}),
        ...(body.topk !== undefined ? { topk: toTopkSpec(body.topk) } : {}),
        ...(body.value !== undefined ? { value: body.value } : {}),
        ...(body.seed_aggregate !== undefined ? { seed_aggregate: body.seed_aggregate } : {}),
        ...(body.dispersion !== undefined ? { dispersion: body.dispersion } : {}),
        ...(body.group_by !== undefined ? { group_by: body.group_by } : {}),
      };
      const key = JSON.stringify({
        models: resolved.map((g) => [g.id, g.versions.map((v) => RegistryService.contentKey(v.files))]),
        similarity,
      });
      const { value, hit } = await results.get(key, async () =>
        tasks.run('similarityMatrix', {
          models: await Promise.all(
            resolved.map(async (g) => ({
              id: g.id,
              handles: await Promise.all(g.versions.map((v) => registry.checkout(v))),
            })),
          ),
          request: similarity,
        }),
      );
      const models = resolved.map((g) => ({ id: g.id, versions: g.names }));
      if (value.kind === 'grouped') {
        const first = Object.values(value.groups)[0];
        return {
          kind: 'grouped' as const,
          models,
          cached: hit,
          measure: first?.measure ?? similarity.measure ?? 'cosine',
          model_ids: ids,
          part: first?.part ?? similarity.part ?? 'encoder-weight',
          topk: first?.topk ?? null,
          group_by: body.group_by,
          groups: value.groups,
        };
      }
      const { per_model: perModel, ...matrix } = value.matrix;
      const small = perModel && Object.values(perModel).every((list) => list.length <= PER_MODEL_LIMIT);
      return {
        kind: 'matrix' as const,
        models,
        cached: hit,
        ...matrix,
        ...(perModel ? (small ? { per_model: perModel } : { per_model_omitted: true }) : {}),
      };
    },
  );
};

export default compareMatrixRoutes;
