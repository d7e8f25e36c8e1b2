import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { notBuiltPage } from './not-built-page.js';

/** Vite puts content-hashed files under assets/, so their bytes never change under one name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) must be revalidated so a rebuild shows up at once. */
const REVALIDATE = 'no-cache';

function isFile(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** The wildcard's path inside the web dir, or null when it would leave it. */
function insideRoot(root: string, wildcard: string): string | null {
  const file = path.resolve(root, `.${path.posix.sep}${wildcard}`);
  return file.startsWith(root + path.sep) ? file : null;
}

/**
 * Serves the dashboard build from `config.webDir` at `/`: its files as they are, and index.html for
 * any other page a browser asks for (client-side routes). `/api/…` never falls back. The directory
 * is looked at per request, so building the dashboard while the server runs needs no restart.
 */
const dashboardPlugin: FastifyPluginAsync = async (app) => {
  const root = path.resolve(app.services.config.webDir);
  // serve: false — the wildcard route below decides between file, index.html and 404 itself.
  await app.register(fastifyStatic, { serve: false, decorateReply: true });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', REVALIDATE).sendFile('index.html', root, { cacheControl: false });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const wildcard = (request.params as { '*': string })['*'];
    const isApi = wildcard === 'api' || wildcard.startsWith('api/');
    if (!isApi) {
      const file = insideRoot(root, wildcard);
      if (file !== null && (await isFile(file))) {
        const immutable = wildcard.startsWith('assets/');
        return reply
          .header('cache-control', immutable ? IMMUTABLE : REVALIDATE)
          .sendFile(wildcard, root, { cacheControl: false });
      }
      if (wantsHtml(request) || wildcard === '') {
        if (await isFile(path.join(root, 'index.html'))) return sendIndex(reply);
        return reply
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(notBuiltPage(root));
      }
    }
    return reply.callNotFound();
  });
};

export default fp(dashboardPlugin, { name: 'gradiend-dashboard', dependencies: ['gradiend-services'] });
