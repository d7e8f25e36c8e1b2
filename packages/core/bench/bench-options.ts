/** `--small` divides the BERT widths by 8: about 1/64 of the input dims. */
export const SMALL_SHRINK = 8;

export interface BenchOptions {
  readonly json: boolean;
  readonly shrink: number;
}

export const CORE_USAGE = 'usage: pnpm bench core [--json] [--small]';

/** Parses the core benchmark's flags; returns an error message for anything else. */
export function parseBenchOptions(args: readonly string[]): BenchOptions | string {
  let json = false;
  let shrink = 1;
  for (const a of args) {
    if (a === '--json') json = true;
    else if (a === '--small') shrink = SMALL_SHRINK;
    else return `unknown option '${a}'\n${CORE_USAGE}`;
  }
  return { json, shrink };
}
