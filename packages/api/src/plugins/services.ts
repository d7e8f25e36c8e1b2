import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiConfig } from '../config/config.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { MetadataStore, Role } from '../storage/metadata-store.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { InferenceCache } from '../onnx/inference-cache.js';
import type { BaseModelService } from '../base-models/base-model-service.js';
import type { AnalysisCache } from '../analysis/analysis-cache.js';
import type { JobService } from '../jobs/job-service.js';

export interface Principal {
  /** Token name, or `anonymous` when auth is off and no token was sent. */
  readonly name: string;
  readonly role: Role;
}

export interface Services {
  readonly config: ApiConfig;
  readonly meta: MetadataStore;
  readonly blobs: BlobStore;
  readonly tasks: TaskRunner;
  readonly registry: RegistryService;
  readonly onnx: InferenceCache;
  readonly baseModels: BaseModelService;
  readonly analysis: AnalysisCache;
  /** Long work as shared, cancellable jobs (src/jobs, docs/api.md "Jobs"). */
  readonly jobs: JobService;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Role a caller needs for this route when auth is required; routes without it are public. */
    role?: Role;
  }
}

/** Makes the stores, task runner and registry available to every route plugin. */
const servicesPlugin: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.decorate('services', services);
};

export default fp(servicesPlugin, { name: 'gradiend-services' });
