export { buildApp, dataPaths } from './app.js';
export type { BuildAppOptions } from './app.js';
export { startServer } from './server.js';
export { loadConfig, ConfigError, isLoopbackHost } from './config/config.js';
export type { ApiConfig, AuthMode } from './config/config.js';
export { ERROR_CODES } from './errors/error-codes.js';
export type { ErrorCode } from './errors/error-codes.js';
export { ApiError } from './errors/api-error.js';
export type { Problem } from './errors/problem.js';
export { SqliteMetadataStore } from './storage/sqlite/sqlite-metadata-store.js';
export { FsBlobStore } from './storage/fs/fs-blob-store.js';
export type { BlobStore, BlobInfo, ByteRange } from './storage/blob-store.js';
export type {
  MetadataStore,
  ModelRecord,
  VersionRecord,
  NewVersion,
  CheckpointSummary,
  Role,
  TokenRecord,
  AuditEntry,
} from './storage/metadata-store.js';
export type { TaskRunner } from './workers/task-runner.js';
export { createTaskRunner } from './workers/create-task-runner.js';
export { runCli } from './cli/cli.js';
export { seedDemo } from './seed/seed-demo.js';
