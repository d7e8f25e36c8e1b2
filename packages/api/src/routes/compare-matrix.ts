import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assertSameParamSpace } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import { JobAcceptedResponse, JobWaitQuery, replyWithJob } from '../jobs/index.js';
import { problems } from '../schemas/common.js';
import { SimilarityMatrixBodySchema, SimilarityMatrixResponseSchema } from '../schemas/similarity.js';
import { toTopkSpec } from '../schemas/topk.js';
import type { SimilarityRequest } from '../workers/task-types.js';
import { jobVersionRef, resolveVersionGroups } from './version-groups.js';
import { similarityJobKey, similarityJobKind, type SimilarityJobArgs } from './compare-matrix-job.js';

const compareMatrixRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks, jobs } = app.services;
  const similarityJob = similarityJobKind(registry, tasks);
  jobs.register(similarityJob);

  app.post(
    '/compare/matrix',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary: 'Similarity matrix of several versions (or seed groups), aligned by base-global index',
        description:
          "The reference's compute_similarity_matrix (or, with group_by, compute_grouped_similarity_matrices). " +
          'Models must map the same base parameters (names and shapes). A job keyed by the ' +
          "versions' content hashes and the options: 200 with the result when it is done (an identical " +
          'earlier request, or within `wait` seconds), else 202 + Location.',
        querystring: JobWaitQuery,
        body: SimilarityMatrixBodySchema,
        response: {
          200: SimilarityMatrixResponseSchema,
          ...JobAcceptedResponse,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.group_by !== undefined && body.models.some((m) => typeof m !== 'string' && m.refs.length > 1))
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          'group_by compares single versions, not seed groups',
        );
      const resolved = await resolveVersionGroups(registry, body.models);
      // The stored summaries name every parameter and shape: refuse before any job loads weights.
      assertSameParamSpace(
        resolved.flatMap((g) => g.versions.map((v) => ({ id: g.id, params: v.summary.param_map }))),
      );

      const similarity: SimilarityRequest = {
        ...(body.measure !== undefined ? { measure: body.measure } : {}),
        ...(body.part !== undefined ? { part: body.part } : {}),
        ...(body.topk !== undefined ? { topk: toTopkSpec(body.topk) } : {}),
        ...(body.value !== undefined ? { value: body.value } : {}),
        ...(body.seed_aggregate !== undefined ? { seed_aggregate: body.seed_aggregate } : {}),
        ...(body.dispersion !== undefined ? { dispersion: body.dispersion } : {}),
        ...(body.group_by !== undefined ? { group_by: body.group_by } : {}),
      };
      const args: SimilarityJobArgs = {
        groups: resolved.map((g) => ({
          id: g.id,
          versions: g.versions.map(jobVersionRef),
        })),
        request: similarity,
      };
      return replyWithJob(
        request,
        reply,
        similarityJob,
        { args, key: similarityJobKey(args), actor: request.principal.name },
        { waitS: request.query.wait ?? 0 },
      );
    },
  );
};

export default compareMatrixRoutes;
