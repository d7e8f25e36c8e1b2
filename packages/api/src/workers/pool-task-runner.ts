import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ApiError } from '../errors/api-error.js';
import { TaskError, type RunOptions, type TaskOutcome, type TaskRunner } from './task-runner.js';
import { abortFlag, unwrapOutcome } from './task-runner.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';
import type { WorkerSettings } from './worker-settings.js';

function resolveTsx(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/** Worker source next to this file: `.js` from the build, `.ts` under tsx/vitest. */
function workerFile(): { filename: string; execArgv: string[] } {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const filename = new URL(`./worker${ext}`, import.meta.url).href;
  return { filename, execArgv: execArgvFor(ext) };
}

/**
 * Under TypeScript sources the workers need the tsx loader and the source condition too; tsx is
 * resolved from here because `--import tsx` alone resolves against the process's cwd.
 */
function execArgvFor(ext: string): string[] {
  return ext === '.ts' ? ['--import', resolveTsx(), '--conditions=@gradiend/source'] : [];
}

export interface PoolOptions {
  readonly threads: number;
  /** Passed to every worker (heap limit and model cache size), see worker-settings.ts. */
  readonly settings: WorkerSettings;
  /** Another worker entry (tests: one that crashes on purpose); default worker.ts / worker.js. */
  readonly workerFile?: URL;
}

/**
 * Runs tasks on a piscina pool of worker threads so the event loop stays free. Each worker has a
 * V8 heap limit; a worker that dies (heap exhausted, native crash, exit) fails only its own task,
 * with GRADIEND_ERR_WORKER_CRASHED, and piscina starts a fresh one for the next.
 */
export class PoolTaskRunner implements TaskRunner {
  private readonly pool: Piscina;

  constructor(options: PoolOptions) {
    const entry = options.workerFile
      ? {
          filename: options.workerFile.href,
          execArgv: execArgvFor(options.workerFile.href.endsWith('.ts') ? '.ts' : '.js'),
        }
      : workerFile();
    this.pool = new Piscina({
      filename: entry.filename,
      execArgv: entry.execArgv,
      minThreads: 1,
      maxThreads: options.threads,
      idleTimeout: 60_000,
      workerData: options.settings,
      resourceLimits: { maxOldGenerationSizeMb: options.settings.heapLimitMb },
    });
    // A worker that fails to start must fail its tasks, not crash the server.
    this.pool.on('error', (error: unknown) => {
      process.emitWarning(`gradiend worker error: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async run<K extends TaskName>(
    name: K,
    args: TaskArgs<K>,
    transfer: readonly TransferListItem[] = [],
    options: RunOptions = {},
  ): Promise<TaskResult<K>> {
    options.signal?.throwIfAborted();
    const runOptions = transfer.length > 0 ? { transferList: [...transfer] } : undefined;
    const message = { name, args, abort: abortFlag(options.signal) };
    let outcome: TaskOutcome<TaskResult<K>>;
    try {
      outcome = (await this.pool.run(message, runOptions)) as TaskOutcome<TaskResult<K>>;
    } catch (error) {
      // Task failures come back as data (worker.ts); a rejection means the worker itself died.
      throw workerCrashed(name, error);
    }
    if (!outcome.ok) options.signal?.throwIfAborted();
    return unwrapOutcome(outcome);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function workerCrashed(task: string, error: unknown): ApiError | unknown {
  if (error instanceof TaskError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? 'ran out of memory'
      : code === 'ERR_WORKER_INIT_FAILED'
        ? 'could not start'
        : 'stopped unexpectedly';
  return new ApiError(
    'GRADIEND_ERR_WORKER_CRASHED',
    `the worker thread running this request (${task}) ${reason}; it was replaced and the server keeps serving`,
    { task },
  );
}
