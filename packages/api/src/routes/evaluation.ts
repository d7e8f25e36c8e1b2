import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { JobAcceptedResponse, JobWaitQuery, replyWithJob } from '../jobs/index.js';
import { RegistryService } from '../registry/registry-service.js';
import { problems, VersionParams } from '../schemas/common.js';
import {
  EvaluationQuery,
  EvaluationResponseSchema,
  PruningCurveQuery,
  PruningCurveResponseSchema,
} from '../schemas/evaluation.js';
import { ApiError } from '../errors/api-error.js';
import { MAX_CURVE_EXTRA_KS } from '../schemas/vocabulary.js';
import { LabeledSetService } from '../evaluation/labeled-set-service.js';
import {
  evaluationJobKey,
  evaluationJobKind,
  pruningCurveJobKey,
  pruningCurveJobKind,
  type EvaluationJobArgs,
} from '../evaluation/evaluation-jobs.js';

const JOB_NOTE =
  "A job keyed by the version's and the set's content hashes, their names and the arguments: 200 with the result when it " +
  'is done (an identical earlier request, or within `wait` seconds), else 202 + Location: /api/jobs/{id}.';

const evaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { meta, registry, tasks, jobs } = app.services;
  const sets = new LabeledSetService(meta, registry);
  const deps = { meta, registry, tasks, sets };
  const evaluationJob = evaluationJobKind(deps);
  const curveJob = pruningCurveJobKind(deps);
  jobs.register(evaluationJob);
  jobs.register(curveJob);

  /** The version and set a request names, checked to fit, as job arguments. */
  async function jobArgs(name: string, ref: string, setName: string): Promise<EvaluationJobArgs> {
    const version = await registry.resolve(name, ref);
    const set = await sets.require(name, setName);
    await sets.requireServes(set, version);
    return {
      model: version.model,
      version: version.version,
      content: RegistryService.contentKey(version.files),
      set: { name: set.name, content: set.contentSha256 },
    };
  }

  app.get(
    '/models/:name/versions/:ref/evaluation',
    {
      config: { role: 'read' },
      schema: {
        tags: ['evaluation'],
        summary: "The encoder scorecard of a version on a labeled set, with every sample's encoding",
        description:
          "The reference's get_encoder_metrics_from_dataframe on encode(gradient / input_scale) of each sample, and the " +
          `trainer's convergence verdict. ${JOB_NOTE}`,
        params: VersionParams,
        querystring: Type.Composite([EvaluationQuery, JobWaitQuery]),
        response: {
          200: EvaluationResponseSchema,
          ...JobAcceptedResponse,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const args = await jobArgs(request.params.name, request.params.ref, request.query.set);
      return replyWithJob(
        request,
        reply,
        evaluationJob,
        {
          args,
          key: evaluationJobKey(args),
          actor: request.principal.name,
          model: args.model,
          version: args.version,
        },
        { waitS: request.query.wait ?? 0 },
      );
    },
  );

  app.get(
    '/models/:name/versions/:ref/pruning-curve',
    {
      config: { role: 'read' },
      schema: {
        tags: ['evaluation'],
        summary:
          'The scorecard of the version pruned to every k of a log-spaced grid (the pruning-quality curve)',
        description:
          'For each k (≈`points` log-spaced from 1 to input_dim, plus `k`), the encodings the version pruned to top-k ' +
          "by `part` (ties as prune ranks them) gives the set's samples, and their scorecard. One pass per sample over " +
          `the ranking, not one prune per k. ${JOB_NOTE}`,
        params: VersionParams,
        querystring: Type.Composite([PruningCurveQuery, JobWaitQuery]),
        response: {
          200: PruningCurveResponseSchema,
          ...JobAcceptedResponse,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const base = await jobArgs(request.params.name, request.params.ref, request.query.set);
      const ks = request.query.k === undefined ? [] : [...new Set(request.query.k.split(',').map(Number))];
      if (ks.length > MAX_CURVE_EXTRA_KS)
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          `at most ${MAX_CURVE_EXTRA_KS} extra k's, got ${ks.length}`,
        );
      const version = await registry.resolve(base.model, String(base.version));
      const outside = ks.find((k) => k < 1 || k > version.summary.input_dim);
      if (outside !== undefined)
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          `k ${outside} is outside [1, ${version.summary.input_dim}] (the version's input_dim)`,
        );
      const args = {
        ...base,
        part: request.query.part ?? 'decoder-weight',
        points: request.query.points ?? 40,
        ks: ks.sort((a, b) => a - b),
      };
      return replyWithJob(
        request,
        reply,
        curveJob,
        {
          args,
          key: pruningCurveJobKey(args),
          actor: request.principal.name,
          model: args.model,
          version: args.version,
        },
        { waitS: request.query.wait ?? 0 },
      );
    },
  );
};

export default evaluationRoutes;
