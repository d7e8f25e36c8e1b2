import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { paramRows } from '../analysis/param-rows.js';
import { histogramFromSummary } from '../analysis/summary-histogram.js';
import { cacheRanksExactly, topkLength } from '../analysis/topk-index-cache.js';
import { DownloadCache } from '../analysis/download-cache.js';
import { ResultCache } from '../analysis/result-cache.js';
import type { Heatmap } from '../schemas/analysis.js';
import { sendRaw } from './send-raw.js';
import { portStream } from '../workers/port-stream.js';
import { Literals, PartQuery, VersionParams, problems } from '../schemas/common.js';
import {
  HeatmapSchema,
  HistogramSchema,
  ImportanceResponseSchema,
  MAX_TOPK_PAGE_ROWS,
  ParamsResponseSchema,
  TopkResponseSchema,
} from '../schemas/analysis.js';
import { HEATMAP_AGGS, HISTOGRAM_SCALES } from '../schemas/vocabulary.js';
import { TopkQuery, toTopkSpec } from '../schemas/topk.js';

const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks, analysis } = app.services;
  const handle = async (name: string, ref: string) => registry.checkout(await registry.resolve(name, ref));
  // Streamed top-k downloads are rendered once per content, part, k and format.
  const downloads = new DownloadCache(() => registry.makeTempDir('topk-downloads'));
  // Heatmaps are pure functions of the content and the options (~1 MB each at 256 × 256).
  const heatmaps = new ResultCache<Heatmap>(32);

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
          200: ParamsResponseSchema,
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
          200: ImportanceResponseSchema,
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
          scale: Literals(HISTOGRAM_SCALES, { default: 'linear' }),
        }),
        response: { 200: HistogramSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const h = await handle(request.params.name, request.params.ref);
      const { part, bins, scale } = request.query;
      return histogramFromSummary(await analysis.summary(h, part), part, bins, scale);
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
          agg: Literals(HEATMAP_AGGS, { default: 'max' }),
        }),
        response: { 200: HeatmapSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const h = await handle(request.params.name, request.params.ref);
      const { part, rows, cols, agg } = request.query;
      const { param } = request.params;
      const key = JSON.stringify([h.key, part, param, rows, cols, agg]);
      const { value } = await heatmaps.get(key, async () => {
        const importance = await analysis.importance(h, part);
        return tasks.run('heatmap', { ...h, importance, part, rows, cols, agg, param });
      });
      return value;
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
          200: TopkResponseSchema,
          ...problems(400, 401, 403, 404, 422, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { part, k, format, download, offset, limit } = request.query;
      const spec = toTopkSpec(k, 'k');
      const version = await registry.resolve(request.params.name, request.params.ref);
      const h = await registry.checkout(version);
      const total = topkLength(spec, version.summary.input_dim);
      const streamed = format === 'csv' || download;
      const file = `${version.model}-v${version.version}-topk.${format}`;
      const downloadId = [h.key, part, total, format, format === 'json' ? JSON.stringify(k) : ''].join('\0');
      const send = (body: Readable) =>
        sendRaw(
          reply.header('content-disposition', `attachment; filename="${file}"`),
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          body,
        );
      const rendered = streamed ? downloads.open(downloadId) : null;
      if (rendered) return send(rendered);
      // From the cached importance's ranking (kept per k); float64 models rank their own weights.
      const ranking = cacheRanksExactly(version.summary.dtype)
        ? await analysis.topk(h, part, total)
        : undefined;
      const cached = ranking ? { ranking } : {};
      if (streamed) {
        const { port, stream, first } = portStream();
        const task = tasks.run('topkStream', { ...h, part, k: spec, ...cached, kAsGiven: k, format, port }, [
          port,
        ]);
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
        const complete = task.then(
          (r) => r.rows === total,
          () => false,
        );
        return send(downloads.record(downloadId, stream, complete));
      }
      const page = await tasks.run('topk', { ...h, part, k: spec, ...cached, offset, limit });
      return { part, k, total: page.total, offset, items: page.items };
    },
  );
};

export default analysisRoutes;
