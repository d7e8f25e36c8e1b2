import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ResultCache } from '../analysis/result-cache.js';
import { ApiError } from '../errors/api-error.js';
import { RegistryService } from '../registry/registry-service.js';
import { problems } from '../schemas/common.js';
import { SimilarityMatrixBodySchema, SimilarityMatrixResponseSchema } from '../schemas/similarity.js';
import { toTopkSpec } from '../schemas/topk.js';
import type { SimilarityRequest, SimilarityResult } from '../workers/task-types.js';

/** top-k lists longer than this are left out of `per_model` (a 1 % top-k of BERT-base is ~10^6 indices). */
export const PER_MODEL_LIMIT = 10_000;

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
        body: SimilarityMatrixBodySchema,
        response: { 200: SimilarityMatrixResponseSchema, ...problems(400, 401, 403, 404, 422) },
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
