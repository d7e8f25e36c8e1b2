import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScaleConfig, type ScaleConfig } from './scale-config.js';

export type AuthMode = 'off' | 'required';

/** Server settings, read from the environment by `loadConfig`. */
export interface ApiConfig extends ScaleConfig {
  readonly port: number;
  readonly host: string;
  /** Root of the SQLite database, blobs and temp files. */
  readonly dataDir: string;
  /** Register the demo models when the registry is empty. */
  readonly seedDemo: boolean;
  readonly auth: AuthMode;
  readonly maxUploadBytes: number;
  /** Worker threads for heavy model work; 0 runs tasks on the main thread (tests, tiny models). */
  readonly workers: number;
  /** Memory budget for cached ONNX sessions, in bytes. */
  readonly onnxCacheBytes: number;
  /** Memory budget of cached float32 importance vectors (see src/analysis/analysis-cache.ts). */
  readonly importanceCacheBytes?: number;
  /** Compute every new version's analysis in the background (default true). */
  readonly backgroundAnalysis?: boolean;
  /**
   * Encode/decode with at most this many values (rows × input_dim) runs on the main thread's ONNX
   * sessions; larger ones run on the worker threads (when there are any).
   */
  readonly encodeInlineMaxValues: number;
  /**
   * Uploads whose weights are larger than this are described from their headers instead of being
   * loaded (validated by the same rules either way). Default DEFAULT_FULL_LOAD_MAX_BYTES.
   */
  readonly fullLoadMaxBytes?: number;
  /**
   * Working memory the heavy tasks (analysis, prune, export, …) of this instance may hold at once,
   * in bytes; each task takes its estimated share first and waits for room (see MemoryBudget).
   * Default DEFAULT_ANALYSIS_MEMORY_BYTES.
   */
  readonly analysisMemoryBytes?: number;
  /** Tasks that may wait for the memory budget; one more is answered 503 with Retry-After. */
  readonly analysisQueueLength?: number;
  /** The longest a task waits for the memory budget before its request is answered 503, in ms. */
  readonly analysisQueueTimeoutMs?: number;
  readonly logLevel: string;
  /** The dashboard's build output (index.html + assets), served at `/` when present. */
  readonly webDir: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const GIB = 1024 ** 3;
// src/config and dist/config sit at the same depth, so this is the api package in both modes.
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The @gradiend/web build beside this package in the monorepo. */
export const DEFAULT_WEB_DIR = path.resolve(PACKAGE_ROOT, '../web/dist');
/**
 * 256 Ki float32 values (1 MiB): about 0.35 ms of the core's encode on one core. Past that a worker
 * does it for less than the stall costs: while the event loop computes, the next bodies wait in
 * their sockets and their chunks outlive young collections. Measured with `pnpm bench api` on 2
 * cores, the 1%-pruned BERT encode (1.09 M values) ran at 0.27–0.33 of the floor on the main thread
 * and at 0.71 on a worker (server CPU per request 13.7 → 7.1 ms).
 */
export const DEFAULT_ENCODE_INLINE_MAX_VALUES = 256 * 1024;
/** 256 MiB: loading more weights than this just to describe an upload would grow the server by as much. */
export const DEFAULT_FULL_LOAD_MAX_BYTES = 256 * 1024 * 1024;
/**
 * Half of the machine's memory (or of the cgroup's limit when that is lower): the rest is left to
 * the main thread, the OS page cache (checkouts are read through it) and other processes.
 */
export function defaultAnalysisMemoryBytes(): number {
  const limits = [os.totalmem()];
  const constrained = process.constrainedMemory?.() ?? 0;
  // 0 or a huge number means "no limit" depending on the platform.
  if (constrained > 0 && constrained < Number.MAX_SAFE_INTEGER) limits.push(constrained);
  return Math.floor(Math.min(...limits) / 2);
}
export const DEFAULT_ANALYSIS_MEMORY_BYTES = defaultAnalysisMemoryBytes();
export const DEFAULT_ANALYSIS_QUEUE_LENGTH = 64;
/**
 * 512 MiB: one BERT-sized part's float32 importance (435 MB) stays in memory for the views that
 * read it (heatmap, top-k); other parts are read back from the blob store when asked for. Every
 * held byte is charged to the analysis memory budget.
 */
export const DEFAULT_IMPORTANCE_CACHE_BYTES = 512 * 1024 * 1024;
/** Long enough for a few BERT-sized tasks ahead in the queue (each a few seconds on 2 cores). */
export const DEFAULT_ANALYSIS_QUEUE_TIMEOUT_MS = 60_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function parseInteger(
  env: NodeJS.ProcessEnv,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

function parseBoolean(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${key} must be one of on/off/true/false/1/0, got ${JSON.stringify(env[key])}`);
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** Reads and validates the server settings; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ApiConfig {
  const port = parseInteger(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const dataDir = path.resolve(cwd, env.GRADIEND_DATA_DIR?.trim() || './data');
  const seedDemo = parseBoolean(env, 'GRADIEND_SEED_DEMO', true);
  const backgroundAnalysis = parseBoolean(env, 'GRADIEND_BACKGROUND_ANALYSIS', true);
  const authRaw = env.GRADIEND_AUTH?.trim().toLowerCase();
  let auth: AuthMode;
  if (authRaw === undefined || authRaw === '') {
    auth = isLoopbackHost(host) ? 'off' : 'required';
  } else if (authRaw === 'off' || authRaw === 'required') {
    auth = authRaw;
  } else {
    throw new ConfigError(
      `GRADIEND_AUTH must be "off" or "required", got ${JSON.stringify(env.GRADIEND_AUTH)}`,
    );
  }
  const maxUploadBytes = parseInteger(env, 'GRADIEND_MAX_UPLOAD_BYTES', 8 * GIB, 1, Number.MAX_SAFE_INTEGER);
  const workers = parseInteger(env, 'GRADIEND_WORKERS', 2, 0, 64);
  const onnxCacheBytes = parseInteger(env, 'GRADIEND_ONNX_CACHE_BYTES', 2 * GIB, 0, Number.MAX_SAFE_INTEGER);
  const importanceCacheBytes = parseInteger(
    env,
    'GRADIEND_IMPORTANCE_CACHE_BYTES',
    DEFAULT_IMPORTANCE_CACHE_BYTES,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const encodeInlineMaxValues = parseInteger(
    env,
    'GRADIEND_ENCODE_INLINE_MAX_VALUES',
    DEFAULT_ENCODE_INLINE_MAX_VALUES,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const fullLoadMaxBytes = parseInteger(
    env,
    'GRADIEND_FULL_LOAD_MAX_BYTES',
    DEFAULT_FULL_LOAD_MAX_BYTES,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const analysisMemoryBytes = parseInteger(
    env,
    'GRADIEND_ANALYSIS_MEMORY_BYTES',
    DEFAULT_ANALYSIS_MEMORY_BYTES,
    64 * 1024 * 1024,
    Number.MAX_SAFE_INTEGER,
  );
  const analysisQueueLength = parseInteger(
    env,
    'GRADIEND_ANALYSIS_QUEUE_LENGTH',
    DEFAULT_ANALYSIS_QUEUE_LENGTH,
    0,
    100_000,
  );
  const analysisQueueTimeoutMs = parseInteger(
    env,
    'GRADIEND_ANALYSIS_QUEUE_TIMEOUT_MS',
    DEFAULT_ANALYSIS_QUEUE_TIMEOUT_MS,
    0,
    3_600_000,
  );
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  const webDirRaw = env.GRADIEND_WEB_DIR?.trim();
  const webDir = webDirRaw ? path.resolve(cwd, webDirRaw) : DEFAULT_WEB_DIR;
  return {
    port,
    host,
    dataDir,
    seedDemo,
    auth,
    maxUploadBytes,
    workers,
    onnxCacheBytes,
    importanceCacheBytes,
    backgroundAnalysis,
    encodeInlineMaxValues,
    fullLoadMaxBytes,
    analysisMemoryBytes,
    analysisQueueLength,
    analysisQueueTimeoutMs,
    logLevel,
    webDir,
    ...loadScaleConfig(env),
  };
}
