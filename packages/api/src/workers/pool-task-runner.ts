import { Piscina } from 'piscina';
import type { RunOptions, TaskOutcome, TaskRunner } from './task-runner.js';
import { abortFlag, unwrapOutcome } from './task-runner.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

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
  // Under TypeScript sources the workers need the tsx loader and the source condition too; tsx is
  // resolved from here because `--import tsx` alone resolves against the process's cwd.
  const execArgv = ext === '.ts' ? ['--import', resolveTsx(), '--conditions=@gradiend/source'] : [];
  return { filename, execArgv };
}

/** Runs tasks on a piscina pool of worker threads so the event loop stays free. */
export class PoolTaskRunner implements TaskRunner {
  private readonly pool: Piscina;

  constructor(threads: number) {
    const { filename, execArgv } = workerFile();
    this.pool = new Piscina({
      filename,
      execArgv,
      minThreads: 1,
      maxThreads: threads,
      idleTimeout: 60_000,
    });
    // A worker that fails to start must fail its tasks, not crash the server.
    this.pool.on('error', (error: unknown) => {
      process.emitWarning(`gradiend worker error: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async run<K extends TaskName>(
    name: K,
    args: TaskArgs<K>,
    transfer: readonly ArrayBuffer[] = [],
    options: RunOptions = {},
  ): Promise<TaskResult<K>> {
    options.signal?.throwIfAborted();
    const runOptions = transfer.length > 0 ? { transferList: [...transfer] } : undefined;
    const message = { name, args, abort: abortFlag(options.signal) };
    const outcome = (await this.pool.run(message, runOptions)) as TaskOutcome<TaskResult<K>>;
    if (!outcome.ok) options.signal?.throwIfAborted();
    return unwrapOutcome(outcome);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
