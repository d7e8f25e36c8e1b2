import os from 'node:os';
/** `--small` divides the BERT widths by 8: about 1/64 of the input dims. */
export const SMALL_SHRINK = 8;

export interface BenchOptions {
  readonly json: boolean;
  readonly shrink: number;
  /** Threads of the kernel pool for importance, encode and forward (1 = the single-thread path). */
  readonly threads: number;
}

export interface CoreBenchOptions extends BenchOptions {
  /** The reference Python library's source folder (--reference), or null to take GRADIEND_REFERENCE_SRC. */
  readonly reference: string | null;
}

export const CORE_USAGE =
  'usage: pnpm bench core [--json] [--small] [--threads N]  (N defaults to os.availableParallelism())';

const CORE_REFERENCE_USAGE =
  'usage: pnpm bench core [--json] [--small] [--threads N] [--reference SRC_DIR]  (N defaults to ' +
  'os.availableParallelism(); SRC_DIR defaults to $GRADIEND_REFERENCE_SRC)';

/** Parses the flags the core, compare and evaluation benchmarks share; returns an error message for anything else. */
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

/** The core benchmark's flags: the shared ones plus `--reference SRC_DIR`. */
export function parseCoreBenchOptions(args: readonly string[]): CoreBenchOptions | string {
  const rest: string[] = [];
  let reference: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a !== '--reference') rest.push(a);
    else {
      const dir = args[++i];
      if (dir === undefined || dir.startsWith('--'))
        return `--reference needs the source folder\n${CORE_REFERENCE_USAGE}`;
      reference = dir;
    }
  }
  const shared = parseBenchOptions(rest);
  if (typeof shared === 'string') return shared.replace(CORE_USAGE, CORE_REFERENCE_USAGE);
  return { ...shared, reference };
}
