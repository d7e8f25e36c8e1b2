import fs from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  DEFAULT_ANALYSIS_MEMORY_BYTES,
  DEFAULT_IMPORTANCE_CACHE_BYTES,
  DEFAULT_ANALYSIS_QUEUE_LENGTH,
  DEFAULT_ANALYSIS_QUEUE_TIMEOUT_MS,
  type ApiConfig,
} from './config/config.js';
import errorHandler, { sendFrameworkError } from './plugins/error-handler.js';
import { BaseModelService } from './base-models/base-model-service.js';
import baseModelRoutes from './routes/base-models.js';
import rewriteRoutes from './routes/rewrite.js';
import servicesPlugin, { type Services } from './plugins/services.js';
import authPlugin from './plugins/auth.js';
import { RegistryService } from './registry/registry-service.js';
import { createBlobStore, createMetadataStore } from './storage/create-stores.js';
import { startOrphanSweep } from './registry/orphan-sweep.js';
import requestIdPlugin, { genReqId } from './ops/request-id.js';
import metricsPlugin, { createApiMetrics } from './ops/metrics.js';
import { registerJobMetrics } from './jobs/job-metrics.js';
import corsPlugin from './ops/cors.js';
import { registerBudgetMetrics } from './ops/budget-metrics.js';
import rateLimitPlugin from './ops/rate-limit.js';
import readinessRoutes from './ops/readiness.js';
import type { BlobStore } from './storage/blob-store.js';
import type { MetadataStore } from './storage/metadata-store.js';
import type { TaskRunner } from './workers/task-runner.js';
import { createTaskRunner, withMemoryBudget } from './workers/create-task-runner.js';
import { AnalysisCache } from './analysis/analysis-cache.js';
import { analysisJobKey, analysisJobKind } from './analysis/analysis-job.js';
import { BODY_LIMITS, SERVER_LIMITS } from './ops/request-limits.js';
import bodyGuardPlugin from './ops/body-guard.js';
import finiteNumbersPlugin from './ops/finite-numbers.js';
import strictTypesPlugin from './ops/strict-types.js';
import { MAX_UPLOAD_FILES } from './routes/versions.js';
import healthRoutes from './routes/health.js';
import { ProblemSchema } from './errors/problem.js';
import modelRoutes from './routes/models.js';
import versionRoutes from './routes/versions.js';
import aliasRoutes from './routes/aliases.js';
import fileRoutes from './routes/files.js';
import auditRoutes from './routes/audit.js';
import tokenRoutes from './routes/tokens.js';
import analysisRoutes from './routes/analysis.js';
import pruneRoutes from './routes/prune.js';
import onnxRoutes from './routes/onnx.js';
import compareRoutes from './routes/compare.js';
import compareMatrixRoutes from './routes/compare-matrix.js';
import { InferenceCache } from './onnx/inference-cache.js';
import dashboardPlugin from './web/dashboard.js';
import jobsRoutes from './routes/jobs.js';
import labeledSetRoutes from './routes/labeled-sets.js';
import evaluationRoutes from './routes/evaluation.js';
import crossEncodingRoutes from './routes/cross-encoding.js';
import { createJobService } from './jobs/create-job-service.js';
import type { AnyJobKind } from './jobs/job-kind.js';

/** Overrides for tests and for other backends (PostgreSQL, S3) plugged in without touching routes. */
export interface BuildAppOptions {
  readonly meta?: MetadataStore;
  readonly blobs?: BlobStore;
  readonly tasks?: TaskRunner;
  /** Extra job kinds this instance runs (tests register slow test-only kinds here). */
  readonly jobKinds?: readonly AnyJobKind[];
  /** Pino options, or false for no logs. Defaults to JSON logs at config.logLevel. */
  readonly logger?: boolean | { level: string };
}

/** Directory layout under GRADIEND_DATA_DIR. */
export function dataPaths(dataDir: string) {
  return {
    database: path.join(dataDir, 'registry.sqlite'),
    blobs: path.join(dataDir, 'blobs'),
    tmp: path.join(dataDir, 'tmp'),
    checkouts: path.join(dataDir, 'cache', 'checkouts'),
  };
}

/** Builds the fastify app (not listening). Closing the app closes the stores and the worker pool. */
export async function buildApp(config: ApiConfig, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const paths = dataPaths(config.dataDir);
  // Leftovers of uploads interrupted by a crash: nothing in tmp is referenced by the registry.
  await fs.rm(paths.tmp, { recursive: true, force: true });
  await fs.mkdir(paths.tmp, { recursive: true });

  const meta = options.meta ?? createMetadataStore(config, paths);
  await meta.migrate();
  const blobs = options.blobs ?? (await createBlobStore(config, paths));
  const budget = {
    analysisMemoryBytes: config.analysisMemoryBytes ?? DEFAULT_ANALYSIS_MEMORY_BYTES,
    analysisQueueLength: config.analysisQueueLength ?? DEFAULT_ANALYSIS_QUEUE_LENGTH,
    analysisQueueTimeoutMs: config.analysisQueueTimeoutMs ?? DEFAULT_ANALYSIS_QUEUE_TIMEOUT_MS,
  };
  // Injected runners (tests, other backends) are budgeted like the built-in ones.
  const tasks = withMemoryBudget(
    options.tasks ?? (await createTaskRunner(config.workers, budget.analysisMemoryBytes)),
    budget,
  );
  const graceMs = (config.orphanGraceS ?? 3600) * 1000;
  const registry = new RegistryService(
    meta,
    blobs,
    tasks,
    { tmp: paths.tmp, checkouts: paths.checkouts },
    { deleteGraceMs: config.databaseUrl ? graceMs : 0, fullLoadMaxBytes: config.fullLoadMaxBytes },
  );
  const onnx = new InferenceCache(config.onnxCacheBytes);
  const metrics = createApiMetrics();
  registerBudgetMetrics(metrics.registry, tasks.budget);
  onnx.observe = (hit) => metrics.cacheLookups.inc({ cache: 'onnx', result: hit ? 'hit' : 'miss' });
  registry.observeCheckout = (hit) =>
    metrics.cacheLookups.inc({ cache: 'checkout', result: hit ? 'hit' : 'miss' });
  const analysis = new AnalysisCache({
    meta,
    blobs,
    tasks,
    makeTempDir: (prefix) => registry.makeTempDir(prefix),
    memoryBytes: config.importanceCacheBytes ?? DEFAULT_IMPORTANCE_CACHE_BYTES,
    hold: (bytes) => tasks.budget.hold(bytes),
    log: { warn: (obj, msg) => app.log.warn(obj, msg) },
  });
  const jobs = createJobService(config, meta.jobs, blobs);
  jobs.observer = registerJobMetrics(metrics.registry, meta.jobs);
  for (const kind of options.jobKinds ?? []) jobs.register(kind);
  const baseModels = new BaseModelService(meta, blobs, registry);
  const analysisJob = analysisJobKind(registry, analysis);
  jobs.register(analysisJob);
  // Every new version (upload or prune) gets its analysis computed in the background, as a job.
  registry.onCommitted = (record) => {
    if (config.backgroundAnalysis === false) return;
    jobs
      .submit(analysisJob, {
        args: { model: record.model, version: record.version },
        key: analysisJobKey(record),
        actor: record.createdBy,
        model: record.model,
        version: record.version,
      })
      .catch((err: unknown) => app.log.warn({ err }, 'background analysis did not start'));
  };
  const services: Services = { config, meta, blobs, tasks, registry, onnx, analysis, jobs, baseModels };

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Small by default; the few routes that take more JSON say so (BODY_LIMITS).
    bodyLimit: BODY_LIMITS.json,
    maxParamLength: SERVER_LIMITS.maxParamLength,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
    forceCloseConnections: 'idle',
    frameworkErrors: sendFrameworkError,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
    genReqId,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  app.server.maxHeadersCount = SERVER_LIMITS.maxHeadersCount;

  const sweep =
    (config.orphanSweepIntervalS ?? 0) > 0
      ? startOrphanSweep(
          { meta, blobs, graceMs, isPending: (sha) => registry.isPending(sha) },
          (config.orphanSweepIntervalS ?? 0) * 1000,
          app.log,
        )
      : null;

  jobs.setLogger(app.log);
  // Route plugins register their job kinds while the app is built; claiming starts once it is ready.
  app.addHook('onReady', async () => jobs.start());
  app.addHook('preClose', async () => jobs.stop());
  app.addHook('onClose', async () => {
    await sweep?.stop();
    await analysis.idle();
    await onnx.clear();
    await tasks.close();
    await meta.close();
    await blobs.close?.();
  });

  await app.register(errorHandler);
  await app.register(requestIdPlugin);
  await app.register(metricsPlugin, { metrics, expose: config.metrics ?? true });
  await app.register(corsPlugin, { origins: config.corsOrigins ?? [] });
  await app.register(servicesPlugin, { services });
  await app.register(rateLimitPlugin, {
    writesPerMinute: config.rateLimitWritesPerMinute ?? 0,
    computePerMinute: config.rateLimitComputePerMinute ?? 0,
  });
  await app.register(authPlugin);
  await app.register(finiteNumbersPlugin);
  await app.register(strictTypesPlugin);
  await app.register(bodyGuardPlugin, {
    idleTimeoutMs: (config.bodyIdleTimeoutS ?? SERVER_LIMITS.bodyIdleTimeoutS) * 1000,
    requestTimeoutMs: (config.requestTimeoutS ?? SERVER_LIMITS.requestTimeoutS) * 1000,
    maxInFlightPerClient: config.maxBodiesInFlightPerClient ?? SERVER_LIMITS.bodiesInFlightPerClient,
  });
  await app.register(multipart, {
    preservePath: true,
    limits: { fileSize: config.maxUploadBytes, files: MAX_UPLOAD_FILES + 1, fields: 8, fieldSize: 64 * 1024 },
  });
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    // Shared schemas appear under their $id in components.schemas (not def-0, def-1, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'GRADIEND Studio API',
        version: '0.1.0',
        description:
          'Team registry for GRADIEND checkpoints, with analysis, pruning and ONNX-backed encode/decode.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'registry', description: 'Models, versions, files, aliases' },
        { name: 'analysis', description: 'Importance, heatmaps, top-k' },
        { name: 'operations', description: 'Prune, encode, decode, ONNX' },
        {
          name: 'evaluation',
          description: 'Labeled gradient sets, encoder scorecard, pruning-quality curve',
        },
        { name: 'jobs', description: 'Long work: state, progress, results, cancel' },
        { name: 'admin', description: 'Tokens and audit log' },
        { name: 'system', description: 'Health' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(healthRoutes);
      await api.register(readinessRoutes);
      await api.register(modelRoutes);
      await api.register(versionRoutes);
      await api.register(aliasRoutes);
      await api.register(fileRoutes);
      await api.register(analysisRoutes);
      await api.register(pruneRoutes);
      await api.register(baseModelRoutes);
      await api.register(rewriteRoutes);
      await api.register(onnxRoutes);
      await api.register(compareRoutes);
      await api.register(compareMatrixRoutes);
      await api.register(labeledSetRoutes);
      await api.register(evaluationRoutes);
      await api.register(crossEncodingRoutes);
      await api.register(auditRoutes);
      await api.register(tokenRoutes);
      await api.register(jobsRoutes);
    },
    { prefix: '/api' },
  );
  await app.register(dashboardPlugin);
  return app;
}
