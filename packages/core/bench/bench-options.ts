import os from 'node:os';
/** `--small` divides the BERT widths by 8: about 1/64 of the input dims. */
export const SMALL_SHRINK = 8;

export interface BenchOptions {
  readonly json: boolean;
  readonly shrink: number;
  /** Threads of the kernel pool for importance, encode and forward (1 = the single-thread path). */
  readonly threads: number;
}

export const CORE_USAGE =
  'usage: pnpm bench core [--json] [--small] [--threads N]  (N defaults to os.availableParallelism())';

/** Parses the core benchmark's flags; returns an error message for anything else. */
export function parseBenchOptions(args: readonly string[]): BenchOptions | string {
  let json = false;
  let shrink = 1;
  let threads = os.availableParallelism();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--json') json = true;
    else if (a === '--small') shrink = SMALL_SHRINK;
    else if (a === '--threads') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1) return `--threads needs a positive integer\n${CORE_USAGE}`;
      threads = n;
    } else return `unknown option '${a}'\n${CORE_USAGE}`;
  }
  return { json, shrink, threads };
}
