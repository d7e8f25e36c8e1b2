import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assertSameParamSpace } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import {
  crossEncodingJobKey,
  crossEncodingJobKind,
  type CrossEncodingJobArgs,
} from '../evaluation/cross-encoding-job.js';
import { LabeledSetService } from '../evaluation/labeled-set-service.js';
import { JobAcceptedResponse, JobWaitQuery, replyWithJob } from '../jobs/index.js';
import { problems } from '../schemas/common.js';
import { jobVersionRef, resolveVersionGroups } from './version-groups.js';
import { CrossEncodingBodySchema, CrossEncodingResponseSchema } from '../schemas/cross-encoding.js';

const crossEncodingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta, registry, tasks, jobs } = app.services;
  const sets = new LabeledSetService(meta, registry);
  const job = crossEncodingJobKind({ meta, registry, tasks, sets });
  jobs.register(job);

  app.post(
    '/compare/cross-encoding',
    {
      config: { role: 'read' },
      schema: {
        tags: ['evaluation'],
        summary: "How GRADIENDs encode each other's labeled sets (cross-encoding matrix)",
        description:
          "The reference's compute_cross_encoding_matrix over registry sets: cell (i, j) is the mean encoding by row i " +
          "of column j's positive class (label +1), its negative class (−1), or their difference; neutral rows never " +
          'count; seeds of a row are aggregated. Every GRADIEND and every set root must map the same base parameters; ' +
          "a row encodes a set given in another version's space through base-global indices. A job keyed by the " +
          "versions' and sets' content hashes and the options: 200 with the result when it is done, else 202 + Location.",
        querystring: JobWaitQuery,
        body: CrossEncodingBodySchema,
        response: {
          200: CrossEncodingResponseSchema,
          ...JobAcceptedResponse,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const rows = await resolveVersionGroups(registry, body.rows);
      const columns = await Promise.all(body.columns.map((c) => sets.require(c.model, c.set)));
      const columnIds = columns.map((c) => `${c.model}/${c.name}`);
      const dupColumn = columnIds.find((id, i) => columnIds.indexOf(id) !== i);
      if (dupColumn !== undefined)
        throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `labeled set ${dupColumn} appears twice`);

      if (body.normalize) {
        const mismatch = rows.findIndex(
          (r, i) => r.versions.some((v) => v.model !== columns[i]?.model) || rows.length !== columns.length,
        );
        if (mismatch >= 0)
          throw new ApiError(
            'GRADIEND_ERR_REQUEST_VALIDATION',
            'normalize divides each row by its own set: it needs as many rows as columns, with row i ' +
              `a GRADIEND of the model owning column i's set (row ${mismatch} is not)`,
          );
      }
      // Stored summaries name every parameter and shape: refuse other base spaces before any job runs.
      const roots = await Promise.all(columns.map((c) => meta.getVersionById(c.rootVersionId)));
      assertSameParamSpace([
        ...rows.flatMap((r) =>
          r.versions.map((v) => ({ id: `${v.model}@${v.version}`, params: v.summary.param_map })),
        ),
        ...roots.flatMap((root, j) =>
          root
            ? [
                {
                  id: `${columnIds[j]} (its root ${root.model}@${root.version})`,
                  params: root.summary.param_map,
                },
              ]
            : [],
        ),
      ]);

      const args: CrossEncodingJobArgs = {
        rows: rows.map((r) => ({
          id: r.id,
          versions: r.versions.map(jobVersionRef),
        })),
        columns: columns.map((c) => ({ model: c.model, set: c.name, content: c.contentSha256 })),
        options: {
          metric: body.metric ?? 'positive_mean',
          normalize: body.normalize ?? false,
          allowIncomplete: body.allow_incomplete ?? false,
          seedAggregate: body.seed_aggregate ?? 'mean',
          dispersion: body.dispersion ?? 'none',
        },
      };
      return replyWithJob(
        request,
        reply,
        job,
        { args, key: crossEncodingJobKey(args), actor: request.principal.name },
        { waitS: request.query.wait ?? 0 },
      );
    },
  );
};

export default crossEncodingRoutes;
