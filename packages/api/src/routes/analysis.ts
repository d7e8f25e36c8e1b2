import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { paramRows } from '../analysis/param-rows.js';
import { histogramFromSummary } from '../analysis/summary-histogram.js';
import { sendRaw } from './send-raw.js';
import { portStream } from '../workers/port-stream.js';
import { PartQuery, VersionParams, problems } from '../schemas/common.js';
import { JsonObject } from '../schemas/common.js';
import { TopkQuery, toTopkSpec } from '../schemas/topk.js';

const ParamRowSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer()),
  numel: Type.Integer(),
  repr: Type.String(),
  selected: Type.Integer(),
  coverage: Type.Number(),
  stored_bytes: Type.Integer(),
  importance_sum: Type.Number(),
  importance_max: Type.Union([Type.Number(), Type.Null()]),
  importance_min: Type.Union([Type.Number(), Type.Null()]),
  importance_mean: Type.Union([Type.Number(), Type.Null()]),
});

const TopkRowSchema = Type.Object({
  rank: Type.Integer(),
  importance: Type.Number(),
  local_index: Type.Integer(),
  base_global_index: Type.Integer(),
  param: Type.String(),
  flat_index: Type.Integer(),
  coords: Type.Array(Type.Integer()),
  param_shape: Type.Array(Type.Integer()),
});

/** A JSON page of top-k rows is for people and dashboards; downloads stream any number of rows. */
const MAX_TOPK_PAGE_ROWS = 100_000;

const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks, analysis } = app.services;
  const handle = async (name: string, ref: string) => registry.checkout(await registry.resolve(name, ref));

  app.get(
    '/models/:name/versions/:ref/params',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary:
          'Per parameter: shape, selection, coverage, stored bytes and importance sum/min/max/mean (finite values, from the cached summary)',
        params: VersionParams,
        querystring: Type.Object({ part: PartQuery }),
        response: {
          200: Type.Object({ part: Type.String(), items: Type.Array(ParamRowSchema) }),
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const version = await registry.resolve(request.params.name, request.params.ref);
      const summary = await analysis.summary(await registry.checkout(version), request.query.part);
      return { part: request.query.part, items: paramRows(version.summary, summary) };
    },
  );

  app.get(
    '/models/:name/versions/:ref/importance',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary: 'Importance per input dim: JSON, or little-endian float32 with format=f32',
        params: VersionParams,
        querystring: Type.Object({
          part: PartQuery,
          format: Type.Union([Type.Literal('json'), Type.Literal('f32')], { default: 'json' }),
        }),
        response: {
          200: Type.Object({
            part: Type.String(),
            input_dim: Type.Integer(),
            values: Type.Array(Type.Number()),
          }),
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const h = await handle(request.params.name, request.params.ref);
      const values = await analysis.importance(h, request.query.part);
      if (request.query.format === 'f32') {
        return sendRaw(
          reply.header('x-input-dim', values.length),
          'application/octet-stream',
          new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
        );
      }
      return { part: request.query.part, input_dim: values.length, values: Array.from(values) };
    },
  );

  app.get(
    '/models/:name/versions/:ref/importance/histogram',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary:
          'Histogram of importance from the cached summary (quantile-clipped range; zeros and outliers counted; exact to the 16-bit bucket)',
        params: VersionParams,
        querystring: Type.Object({
          part: PartQuery,
          bins: Type.Integer({ minimum: 1, maximum: 4096, default: 64 }),
          scale: Type.Union([Type.Literal('linear'), Type.Literal('log')], { default: 'linear' }),
        }),
        response: { 200: JsonObject, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const h = await handle(request.params.name, request.params.ref);
      const { part, bins, scale } = request.query;
      return { ...histogramFromSummary(await analysis.summary(h, part), part, bins, scale) };
    },
  );

  app.get(
    '/models/:name/versions/:ref/params/:param/heatmap',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary: "A parameter's importance in its own shape, pooled to at most rows × cols cells",
        params: Type.Composite([VersionParams, Type.Object({ param: Type.String({ maxLength: 512 }) })]),
        querystring: Type.Object({
          part: PartQuery,
          rows: Type.Integer({ minimum: 1, maximum: 2048, default: 256 }),
          cols: Type.Integer({ minimum: 1, maximum: 2048, default: 256 }),
          agg: Type.Union([Type.Literal('max'), Type.Literal('mean'), Type.Literal('sum')], {
            default: 'max',
          }),
        }),
        response: { 200: JsonObject, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const h = await handle(request.params.name, request.params.ref);
      const { part, rows, cols, agg } = request.query;
      const importance = await analysis.importance(h, part);
      return {
        ...(await tasks.run('heatmap', {
          ...h,
          importance,
          part,
          rows,
          cols,
          agg,
          param: request.params.param,
        })),
      };
    },
  );

  app.get(
    '/models/:name/versions/:ref/topk',
    {
      config: { role: 'read' },
      schema: {
        tags: ['analysis'],
        summary:
          'The k most important input dims with their base-parameter coordinates: a JSON page, or every row as a streamed CSV or JSON download',
        params: VersionParams,
        querystring: Type.Object({
          part: PartQuery,
          k: TopkQuery(100),
          format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
          download: Type.Boolean({
            default: false,
            description: 'JSON: stream every row as one document (CSV is always streamed in full)',
          }),
          offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
          limit: Type.Integer({ minimum: 1, maximum: MAX_TOPK_PAGE_ROWS, default: MAX_TOPK_PAGE_ROWS }),
        }),
        response: {
          200: Type.Object({
            part: Type.String(),
            k: Type.Union([Type.Number(), Type.String()], { description: 'k as given' }),
            total: Type.Integer({ description: 'Rows in the whole selection' }),
            offset: Type.Integer(),
            items: Type.Array(TopkRowSchema, {
              description: 'Rows [offset, offset + limit) of the selection',
            }),
          }),
          ...problems(400, 401, 403, 404, 422, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { part, k, format, download, offset, limit } = request.query;
      const spec = toTopkSpec(k, 'k');
      const version = await registry.resolve(request.params.name, request.params.ref);
      const h = await registry.checkout(version);
      if (format === 'csv' || download) {
        const { port, stream, first } = portStream();
        const task = tasks.run('topkStream', { ...h, part, k: spec, kAsGiven: k, format, port }, [port]);
        // Until the first chunk the request can still fail with a status; afterwards a failure
        // can only cut the stream.
        try {
          await Promise.race([first, task]);
        } catch (error) {
          stream.destroy();
          throw error;
        }
        task.catch((error: unknown) =>
          stream.destroy(error instanceof Error ? error : new Error(String(error))),
        );
        const file = `${version.model}-v${version.version}-topk.${format}`;
        return sendRaw(
          reply.header('content-disposition', `attachment; filename="${file}"`),
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          stream,
        );
      }
      const page = await tasks.run('topk', { ...h, part, k: spec, offset, limit });
      return { part, k, total: page.total, offset, items: page.items };
    },
  );
};

export default analysisRoutes;
