import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status_code'>;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status_code'>;
  readonly encodeBatch: Histogram;
  readonly cacheLookups: Counter<'cache' | 'result'>;
  readonly uploadBytes: Counter;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/** One registry per app (not prom-client's global), so several apps in one process do not clash. */
export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gradiend_' });
  const labelNames = ['method', 'route', 'status_code'] as const;
  return {
    registry,
    requests: new Counter({
      name: 'gradiend_http_requests_total',
      help: 'HTTP requests by method, route pattern and status code',
      labelNames,
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'gradiend_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers: [registry],
    }),
    encodeBatch: new Histogram({
      name: 'gradiend_encode_batch_size',
      help: 'Rows per encode request',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'gradiend_cache_lookups_total',
      help: 'Cache lookups by cache (onnx sessions, version checkouts) and result (hit, miss)',
      labelNames: ['cache', 'result'],
      registers: [registry],
    }),
    uploadBytes: new Counter({
      name: 'gradiend_upload_bytes_total',
      help: 'Checkpoint bytes received by accepted uploads',
      registers: [registry],
    }),
  };
}

/**
 * Decorates `app.metrics`, times every request by route pattern (never the raw URL, which would
 * explode label cardinality) and, when `expose` is set, serves the Prometheus text at /metrics.
 */
const metricsPlugin: FastifyPluginAsync<{ metrics: ApiMetrics; expose: boolean }> = async (
  app,
  { metrics, expose },
) => {
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    metrics.requests.inc(labels);
    metrics.requestSeconds.observe(labels, reply.elapsedTime / 1000);
  });
  if (!expose) return;
  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};

export default fp(metricsPlugin, { name: 'gradiend-metrics' });
