import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { PartQuery, problems } from '../schemas/common.js';
import { ResultCache } from '../analysis/result-cache.js';
import { topkLength } from '../analysis/topk-index-cache.js';
import { TopkQuery, toTopkSpec } from '../schemas/topk.js';
import { CompareResponseSchema, type SelectionOverlap } from '../schemas/analysis.js';
import { MODEL_AT_REF_PATTERN } from '../schemas/vocabulary.js';

function splitRef(value: string): { name: string; ref: string } {
  const at = value.lastIndexOf('@');
  if (at <= 0) throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `expected name@ref, got ${value}`);
  return { name: value.slice(0, at), ref: value.slice(at + 1) };
}

const compareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks, analysis } = app.services;
  // Overlaps are pure functions of both contents, the part and k.
  const overlaps = new ResultCache<SelectionOverlap>(64);

  app.get(
    '/compare',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary: "Overlap of two versions' top-k selections in base-parameter space",
        querystring: Type.Object({
          a: Type.String({ pattern: MODEL_AT_REF_PATTERN, description: 'name@ref' }),
          b: Type.String({ pattern: MODEL_AT_REF_PATTERN, description: 'name@ref' }),
          part: PartQuery,
          k: TopkQuery(0.01),
        }),
        response: {
          200: CompareResponseSchema,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { part, k } = request.query;
      const spec = toTopkSpec(k, 'k');
      const ra = splitRef(request.query.a);
      const rb = splitRef(request.query.b);
      const va = await registry.resolve(ra.name, ra.ref);
      const vb = await registry.resolve(rb.name, rb.ref);
      const a = await registry.checkout(va);
      const b = await registry.checkout(vb);
      // Each side's cached ranking of its own k (the same rule as GradiendModel.topK).
      const ranked = async (h: typeof a, k: number) => (await analysis.topk(h, part, k)).indices;
      const ka = topkLength(spec, va.summary.input_dim);
      const kb = topkLength(spec, vb.summary.input_dim);
      const { value: result } = await overlaps.get(JSON.stringify([a.key, b.key, part, ka, kb]), async () =>
        tasks.run('compare', {
          a: { ...a, indices: await ranked(a, ka) },
          b: { ...b, indices: await ranked(b, kb) },
        }),
      );
      return { a: `${va.model}@${va.version}`, b: `${vb.model}@${vb.version}`, part, k, ...result };
    },
  );
};

export default compareRoutes;
