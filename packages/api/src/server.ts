import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app.js';
import type { ApiConfig } from './config/config.js';
import { seedDemo } from './seed/seed-demo.js';

/** Builds, seeds (when enabled and empty) and starts listening; SIGTERM/SIGINT close gracefully. */
export async function startServer(
  config: ApiConfig,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const app = await buildApp(config, options);
  if (config.seedDemo) {
    await seedDemo(
      app.services.meta,
      app.services.registry,
      app.log,
      config.dataDir,
      app.services.baseModels,
    );
  }
  await app.listen({ port: config.port, host: config.host });
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return app;
}
