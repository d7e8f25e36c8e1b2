import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { TarArchive, ZipArchive } from 'archiver';
import { ApiError } from '../errors/api-error.js';
import { parseRange } from '../registry/http-range.js';
import { FileName, VersionParams, problems } from '../schemas/common.js';

const FileParams = Type.Composite([VersionParams, Type.Object({ file: FileName })]);

const fileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, blobs } = app.services;

  app.get(
    '/models/:name/versions/:ref/files/:file',
    {
      config: { role: 'read' },
      schema: {
        tags: ['registry'],
        summary: "Download one of a version's files (supports single byte ranges)",
        params: FileParams,
        response: { ...problems(401, 403, 404, 416) },
      },
    },
    async (request, reply) => {
      const version = await registry.resolve(request.params.name, request.params.ref);
      const file = version.files.find((f) => f.name === request.params.file);
      if (!file) {
        throw new ApiError(
          'GRADIEND_ERR_FILE_NOT_FOUND',
          `${version.model}@${version.version} has no file ${request.params.file}`,
        );
      }
      const range = parseRange(request.headers.range, file.size);
      reply
        .header('accept-ranges', 'bytes')
        .header('etag', `"${file.sha256}"`)
        .header('x-content-sha256', file.sha256)
        .type(file.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      if (range) {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
          .header('content-length', range.end - range.start + 1);
      } else {
        reply.header('content-length', file.size);
      }
      return reply.send(await blobs.createReadStream(file.sha256, range ?? undefined));
    },
  );

  app.get(
    '/models/:name/versions/:ref/archive',
    {
      config: { role: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'Download the checkpoint folder as .tar.gz or .zip',
        params: VersionParams,
        querystring: Type.Object({
          format: Type.Union([Type.Literal('tar.gz'), Type.Literal('zip')], { default: 'tar.gz' }),
        }),
        response: { ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const version = await registry.resolve(request.params.name, request.params.ref);
      const folder = `${version.model}-v${version.version}`;
      const { format } = request.query;
      // Level 1: weights barely compress, so spend as little CPU as possible on trying.
      const archive =
        format === 'zip'
          ? new ZipArchive({ zlib: { level: 1 } })
          : new TarArchive({ gzip: true, gzipOptions: { level: 1 } });
      archive.on('warning', (err) => request.log.warn({ err }, 'archive warning'));
      for (const f of version.files) {
        archive.append(await blobs.createReadStream(f.sha256), { name: `${folder}/${f.name}`, mode: 0o644 });
      }
      void archive.finalize();
      return reply
        .type(format === 'zip' ? 'application/zip' : 'application/gzip')
        .header('content-disposition', `attachment; filename="${folder}.${format}"`)
        .send(archive);
    },
  );
};

export default fileRoutes;
